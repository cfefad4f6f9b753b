import Link from "next/link";
import { forbidden } from "next/navigation";
import { Suspense } from "react";
import { Pager, offsetParam } from "../../components/pager";
import { Skeleton } from "../../components/panel";
import { fmtNumber } from "../../components/time";
import { recordAudit } from "../../lib/audit";
import { ForbiddenError } from "../../lib/auth/permissions";
import { requireViewer } from "../../lib/auth/session";
import { openDirectEditsTile, unmanagedGroups } from "../../lib/data/drift";
import { driftEditsByState } from "../../lib/data/paging";
import { getStore } from "../../lib/store";
import type { DriftRow } from "../../../drift/queries";
import { DRIFT_STATES, isDriftState, type DriftState } from "../../../drift/states";
import { EditGroup, NoEditsYet, UnmanagedTable } from "./edit-groups";
import { EvidenceDrawer } from "./evidence-drawer";
import { DISPLAY_ORDER, STATE_TEXT, stateLabel } from "./state-text";

export const dynamic = "force-dynamic";
export const metadata = { title: "Direct edits" };

type Raw = Record<string, string | string[] | undefined>;
const first = (raw: Raw, key: string) => (Array.isArray(raw[key]) ? raw[key][0] : raw[key]) ?? "";
const all = (raw: Raw, key: string) => (Array.isArray(raw[key]) ? raw[key] : raw[key] ? [raw[key]] : []);

/** Unmanaged paths per page: a fleet's churn on unmapped paths is thousands of changes of a few hundred paths. */
const UNMANAGED_PAGE = 50;
/** Rows per state on the all-states view: nine groups of 10 fit two screens at 1440×1300; "all N →" opens the state. */
const GROUP_ROWS = 10;
/** Rows per page when one state is open. */
const STATE_PAGE = 50;
const MANAGED: readonly DriftState[] = DISPLAY_ORDER;

/** Filters live in the URL (?state=…&host=…&path=…&repo=…&edit=<id>&offset=N&upage=N) so a view can be shared. */
export default async function DriftPage({ searchParams }: { searchParams: Promise<Raw> }) {
  const viewer = await requireViewer();
  const raw = await searchParams;
  const states = all(raw, "state").filter(isDriftState);
  const hosts = all(raw, "host");
  const path = first(raw, "path");
  const repo = first(raw, "repo");
  const edit = first(raw, "edit");
  const upage = Math.max(0, Math.min(10_000, Number.parseInt(first(raw, "upage") || "0", 10) || 0));
  const store = getStore();
  const query = new URLSearchParams();
  for (const s of states) query.append("state", s);
  for (const h of hosts) query.append("host", h);
  if (path) query.set("path", path);
  if (repo) query.set("repo", repo);
  const here = (extra: Record<string, string>) => {
    const q = new URLSearchParams(query);
    for (const [k, v] of Object.entries(extra)) q.set(k, v);
    return `/drift?${q.toString()}`;
  };
  const stateHref = (s: DriftState | "") => {
    const q = new URLSearchParams(query);
    q.delete("state");
    if (s) q.set("state", s);
    return `/drift?${q.toString()}`;
  };
  // One state open: it pages (offset); the all-states view shows each state's newest GROUP_ROWS.
  const shown = states.length === 0 ? MANAGED : MANAGED.filter((s) => states.includes(s));
  const single = states.length === 1;
  const offset = single ? offsetParam(first(raw, "offset"), STATE_PAGE) : 0;
  const perState = single ? STATE_PAGE : GROUP_ROWS;
  const showUnmanaged = repo === "" && (states.length === 0 || states.includes("unmanaged"));
  let groups, tile, unmanaged;
  try {
    [groups, tile, unmanaged] = await Promise.all([
      shown.length === 0 ? Promise.resolve(new Map<DriftState, DriftRow[]>()) : driftEditsByState(viewer, store, { states: [...shown], hosts, path, repo, per_state: perState, offset }),
      openDirectEditsTile(viewer, store),
      showUnmanaged ? unmanagedGroups(viewer, store, { hosts, path, limit: UNMANAGED_PAGE, offset: upage * UNMANAGED_PAGE }) : Promise.resolve({ groups: [], totalPaths: 0 }),
    ]);
  } catch (error) {
    if (error instanceof ForbiddenError) {
      // A refused page is audited and answers 403 (app/forbidden.tsx says why), as every other page does.
      await recordAudit(viewer, { action: "view", resource: "/drift", params: Object.fromEntries(query), refused: error.message });
      forbidden();
    }
    throw error;
  }
  const counts = new Map(tile.byState.map((r) => [r.state, r.edits]));
  const classified = MANAGED.reduce((n, s) => n + (counts.get(s) ?? 0), 0);
  // Counts per state are of the whole store; with a host, path or repo filter a group's total is unknown, so only its page is shown.
  const filtered = hosts.length > 0 || path !== "" || repo !== "";
  await recordAudit(viewer, { action: "view", resource: "/drift", params: Object.fromEntries(query) });
  return (
    <>
      <h1>Direct edits</h1>
      <p className="sub">Changes made on hosts by hand, and whether their content reached the codebase. Unmanaged paths (no mapping) are listed apart, never counted as fine. <strong data-testid="drift-open">{tile.open}</strong> open.</p>
      <nav aria-label="states" style={{ display: "flex", gap: "0.4rem", flexWrap: "wrap", margin: "0 0 0.75rem" }} data-testid="drift-states">
        <Link className="chip" href={stateHref("")} aria-current={states.length === 0 ? "page" : undefined}>all</Link>
        {DRIFT_STATES.map((s) => (
          <Link className="chip" key={s} href={stateHref(s)} aria-current={states.includes(s) ? "page" : undefined} data-state={s} data-count={counts.get(s) ?? 0} title={STATE_TEXT[s]}>
            {stateLabel(s)} {fmtNumber(counts.get(s) ?? 0)}
          </Link>
        ))}
      </nav>
      <form method="get" className="filterbar" aria-label="filters">
        {states.map((s) => <input key={s} type="hidden" name="state" value={s} />)}
        <label>Host <input name="host" defaultValue={hosts[0] ?? ""} /></label>
        <label>Path contains <input name="path" defaultValue={path} /></label>
        <label>Repository <input name="repo" defaultValue={repo} /></label>
        <button type="submit">Filter</button>
      </form>
      {classified === 0 && shown.length > 0 ? <NoEditsYet unmanaged={tile.unmanaged} /> : null}
      {classified > 0 && shown.length > 0 && groups.size === 0 ? <div className="notice empty" data-testid="drift-none-match">No direct edits match these filters{offset > 0 ? " on this page" : ""}.</div> : null}
      {shown.filter((s) => groups.has(s)).map((s) => {
        const rows = groups.get(s) ?? [];
        const total = filtered ? undefined : counts.get(s);
        return (
          <EditGroup key={s} state={s} rows={rows} total={total} more={single ? undefined : stateHref(s)} href={(id) => here({ edit: id, ...(offset > 0 ? { offset: String(offset) } : {}) })} selected={edit}>
            {single ? <Pager offset={offset} shown={rows.length} total={total ?? offset + rows.length + (rows.length === STATE_PAGE ? 1 : 0)} pageSize={STATE_PAGE} href={(o) => here({ offset: String(o) })} noun="edits" testId="drift-pages" /> : null}
          </EditGroup>
        );
      })}
      {unmanaged.totalPaths > 0 ? (
        <section data-testid="drift-group-unmanaged">
          <h2>Unmanaged: no mapping covers these paths <span className="muted">{fmtNumber(counts.get("unmanaged") ?? 0)} changes</span></h2>
          <p className="sub">No verdict either way — add a <code>drift.mappings</code> entry in prodtrail.yaml to judge them against a repository. {fmtNumber(unmanaged.totalPaths)} paths, grouped.</p>
          <UnmanagedTable groups={unmanaged.groups} href={(id) => here({ edit: id })} />
          <nav aria-label="unmanaged pages" className="pager" data-testid="drift-unmanaged-pages">
            {upage > 0 ? <Link href={here({ upage: String(upage - 1) })}>← newer</Link> : null}
            <span className="muted"> paths {upage * UNMANAGED_PAGE + 1}–{upage * UNMANAGED_PAGE + unmanaged.groups.length} of {unmanaged.totalPaths} </span>
            {(upage + 1) * UNMANAGED_PAGE < unmanaged.totalPaths ? <Link href={here({ upage: String(upage + 1) })}>older →</Link> : null}
          </nav>
        </section>
      ) : null}
      {edit ? (
        <Suspense fallback={<aside className="drawer"><Skeleton rows={12} /></aside>}>
          <EvidenceDrawer viewer={viewer} store={store} id={edit} closeHref={stateHref(states[0] ?? "")} />
        </Suspense>
      ) : null}
    </>
  );
}

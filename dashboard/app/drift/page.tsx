import Link from "next/link";
import { forbidden } from "next/navigation";
import { Suspense } from "react";
import { Skeleton } from "../../components/panel";
import { recordAudit } from "../../lib/audit";
import { ForbiddenError } from "../../lib/auth/permissions";
import { requireViewer } from "../../lib/auth/session";
import { driftEdits, openDirectEditsTile, unmanagedGroups } from "../../lib/data/drift";
import { getStore } from "../../lib/store";
import type { DriftRow } from "../../../drift/queries";
import type { UnmanagedGroup } from "../../../drift/unmanaged";
import { DRIFT_STATES, isDriftState, type DriftState } from "../../../drift/states";
import { EvidenceDrawer } from "./evidence-drawer";

export const dynamic = "force-dynamic";
export const metadata = { title: "Direct edits" };

type Raw = Record<string, string | string[] | undefined>;
const first = (raw: Raw, key: string) => (Array.isArray(raw[key]) ? raw[key][0] : raw[key]) ?? "";
const all = (raw: Raw, key: string) => (Array.isArray(raw[key]) ? raw[key] : raw[key] ? [raw[key]] : []);

function age(seconds: number): string {
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.floor(seconds / 3600)} h`;
  return `${Math.floor(seconds / 86_400)} d`;
}

/** Unmanaged paths per page: a fleet's churn on unmapped paths is thousands of changes of a few hundred paths. */
const UNMANAGED_PAGE = 50;

/** Filters live in the URL (?state=…&host=…&path=…&repo=…&edit=<id>&upage=N) so a view can be shared. */
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
  let rows, tile, unmanaged;
  try {
    [rows, tile, unmanaged] = await Promise.all([
      driftEdits(viewer, store, { states: states.filter((s) => s !== "unmanaged"), hosts, path, repo, managed_only: true, limit: 1000 }),
      openDirectEditsTile(viewer, store),
      repo !== "" || (states.length > 0 && !states.includes("unmanaged")) ? Promise.resolve({ groups: [], totalPaths: 0 }) : unmanagedGroups(viewer, store, { hosts, path, limit: UNMANAGED_PAGE, offset: upage * UNMANAGED_PAGE }),
    ]);
  } catch (error) {
    if (error instanceof ForbiddenError) {
      // A refused page is audited and answers 403 (app/forbidden.tsx says why), as every other page does.
      await recordAudit(viewer, { action: "view", resource: "/drift", params: Object.fromEntries(query), refused: error.message });
      forbidden();
    }
    throw error;
  }
  // Unmanaged changes are shown apart (DESIGN.md), grouped by path and paged: no mapping means no verdict, never "fine".
  const managed = states.length === 1 && states[0] === "unmanaged" ? [] : rows;
  const counts = new Map(tile.byState.map((r) => [r.state, r.edits]));
  await recordAudit(viewer, { action: "view", resource: "/drift", params: Object.fromEntries(query) });
  return (
    <>
      <h1>Direct edits</h1>
      <p className="sub">Changes made on hosts by hand, and whether their content reached the codebase. Unmanaged paths (no mapping) are listed apart, never counted as fine. <strong data-testid="drift-open">{tile.open}</strong> open.</p>
      <nav aria-label="states" style={{ display: "flex", gap: "0.4rem", flexWrap: "wrap", margin: "0 0 0.75rem" }} data-testid="drift-states">
        <Link className="chip" href={stateHref("")} aria-current={states.length === 0 ? "page" : undefined}>all</Link>
        {DRIFT_STATES.map((s) => (
          <Link className="chip" key={s} href={stateHref(s)} aria-current={states.includes(s) ? "page" : undefined}>
            {s.replace("_", " ")} {counts.get(s) ?? 0}
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
      {managed.length === 0 ? <div className="notice empty">No direct edits match.</div> : <EditsTable rows={managed} href={(id) => here({ edit: id })} selected={edit} />}
      {unmanaged.totalPaths > 0 ? (
        <>
          <h2>Unmanaged: no mapping covers these paths</h2>
          <p className="sub">No verdict either way — add a <code>drift.mappings</code> entry in prodtrail.yaml to judge them against a repository. {unmanaged.totalPaths} paths, grouped.</p>
          <UnmanagedTable groups={unmanaged.groups} href={(id) => here({ edit: id })} />
          <nav aria-label="unmanaged pages" className="pager" data-testid="drift-unmanaged-pages">
            {upage > 0 ? <Link href={here({ upage: String(upage - 1) })}>← newer</Link> : null}
            <span className="muted"> paths {upage * UNMANAGED_PAGE + 1}–{upage * UNMANAGED_PAGE + unmanaged.groups.length} of {unmanaged.totalPaths} </span>
            {(upage + 1) * UNMANAGED_PAGE < unmanaged.totalPaths ? <Link href={here({ upage: String(upage + 1) })}>older →</Link> : null}
          </nav>
        </>
      ) : null}
      {edit ? (
        <Suspense fallback={<aside className="drawer"><Skeleton rows={12} /></aside>}>
          <EvidenceDrawer viewer={viewer} store={store} id={edit} closeHref={stateHref(states[0] ?? "")} />
        </Suspense>
      ) : null}
    </>
  );
}

function EditsTable({ rows, href, selected }: { rows: DriftRow[]; href: (id: string) => string; selected: string }) {
  return (
    <table className="events" data-testid="drift-table">
      <thead><tr><th>State</th><th>Age</th><th>Host</th><th>Path</th><th>Who</th><th>Commit</th></tr></thead>
      <tbody>
        {rows.map((r) => (
          <tr key={`${r.change_event_id}|${r.path}`} aria-selected={r.change_event_id === selected}>
            <td><Link href={href(r.change_event_id)}>{r.state.replace("_", " ")}</Link></td>
            <td>{age(r.age_s)}</td>
            <td>{r.host}</td>
            <td><code>{r.path}</code></td>
            <td>{r.actor_id} <span className="muted">{r.attribution_method} {r.attribution_confidence.toFixed(2)}</span></td>
            <td>{r.matched_commit ? <code>{r.matched_commit.slice(0, 10)}</code> : <span className="muted">{r.flagged ? "missing" : "—"}</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function UnmanagedTable({ groups, href }: { groups: UnmanagedGroup[]; href: (id: string) => string }) {
  return (
    <table className="events" data-testid="drift-unmanaged">
      <thead><tr><th>Path</th><th>Hosts</th><th>Changes</th><th>Last seen</th></tr></thead>
      <tbody>
        {groups.map((g) => (
          <tr key={g.path}>
            <td><code>{g.path}</code></td>
            <td title={g.sample_hosts.join(", ")}>{g.hosts} <span className="muted">{g.sample_hosts.slice(0, 3).join(", ")}{g.hosts > 3 ? ", …" : ""}</span></td>
            <td>{g.changes}</td>
            <td><Link href={href(g.last_change_event_id)}>{g.last_seen}</Link></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

import Link from "next/link";
import { Suspense } from "react";
import { Pager, offsetParam } from "../../components/pager";
import { Skeleton } from "../../components/panel";
import { recordAudit } from "../../lib/audit";
import { ForbiddenNotice } from "../../lib/auth/forbidden-notice";
import { can, ForbiddenError } from "../../lib/auth/permissions";
import { requireViewer } from "../../lib/auth/session";
import { findingCounts, queueFiltersSchema, suppressionsList, type QueuedFinding } from "../../lib/data/findings";
import { findingsQueuePage } from "../../lib/data/paging";
import { getStore } from "../../lib/store";
import { FINDING_STATUSES } from "../../../detections/finding-rows";
import { FindingCountsView } from "./counts";
import { FindingDrawer } from "./finding-drawer";
import { NoFindings } from "./no-findings";
import { SuppressionsTable } from "./suppressions";

export const dynamic = "force-dynamic";
export const metadata = { title: "Anomalies" };

type Raw = Record<string, string | string[] | undefined>;
const all = (raw: Raw, key: string) => (Array.isArray(raw[key]) ? raw[key] : raw[key] ? [raw[key]] : []).flatMap((v) => v.split(",")).filter((v) => v !== "");
const first = (raw: Raw, key: string) => all(raw, key)[0] ?? "";

function age(seconds: number): string {
  if (seconds < 3600) return `${Math.max(0, Math.floor(seconds / 60))} min`;
  if (seconds < 172_800) return `${Math.floor(seconds / 3600)} h`;
  return `${Math.floor(seconds / 86_400)} d`;
}

/** The analyst's queue. Filters in the URL (?status=open&severity=high&rule=…&host=…&actor=…&finding=<id>); viewers see counts only. */
/** Findings per page of the queue: a noisy rule on a fleet makes thousands; one screen of triage is a few dozen. */
const QUEUE_PAGE = 50;

export default async function FindingsPage({ searchParams }: { searchParams: Promise<Raw> }) {
  const viewer = await requireViewer();
  const raw = await searchParams;
  const store = getStore();
  const parsed = queueFiltersSchema.safeParse({
    ...(raw.status !== undefined ? { status: all(raw, "status") } : {}),
    severity: all(raw, "severity"),
    rule: all(raw, "rule"),
    host: first(raw, "host"),
    actor: first(raw, "actor"),
  });
  if (!parsed.success) {
    return <div className="notice error" role="alert" data-testid="findings-filter-error">Bad filter: {parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}</div>;
  }
  const filters = parsed.data;
  const selected = first(raw, "finding");
  const query = new URLSearchParams();
  if (raw.status !== undefined) query.set("status", filters.status.join(","));
  if (filters.severity.length) query.set("severity", filters.severity.join(","));
  if (filters.rule.length) query.set("rule", filters.rule.join(","));
  if (filters.host) query.set("host", filters.host);
  if (filters.actor) query.set("actor", filters.actor);
  const href = (extra: Record<string, string>) => {
    const q = new URLSearchParams(query);
    for (const [k, v] of Object.entries(extra)) q.set(k, v);
    return `/findings?${q.toString()}`;
  };
  const offset = offsetParam(first(raw, "offset"), QUEUE_PAGE);
  const analyst = can(viewer, "findings:read");
  let counts, page: { rows: QueuedFinding[]; total: number }, suppressions;
  try {
    [counts, page, suppressions] = await Promise.all([
      findingCounts(viewer, store),
      analyst ? findingsQueuePage(viewer, store, filters, { limit: QUEUE_PAGE, offset }) : Promise.resolve({ rows: [], total: 0 }),
      analyst ? suppressionsList(viewer, store) : Promise.resolve([]),
    ]);
  } catch (error) {
    if (error instanceof ForbiddenError) return <ForbiddenNotice error={error} />;
    throw error;
  }
  const { rows: queue, total } = page;
  await recordAudit(viewer, { action: "view", resource: "/findings", params: Object.fromEntries(query) });
  return (
    <>
      <h1>Anomalies</h1>
      <p className="sub">Findings of the detection rules and of the integrity checks, in one queue: most severe first, then longest waiting. <strong data-testid="findings-open">{counts.open}</strong> open.</p>
      <FindingCountsView counts={counts} />
      {!analyst ? (
        <div className="notice empty" data-testid="findings-viewer-note">Your role sees counts only; analysts see the findings and their evidence.</div>
      ) : (
        <>
          <h2>Queue</h2>
          <nav aria-label="status" style={{ display: "flex", gap: "0.4rem", flexWrap: "wrap", margin: "0 0 0.75rem" }} data-testid="findings-statuses">
            {FINDING_STATUSES.map((s) => (
              <Link className="chip" key={s} href={href({ status: s })} aria-current={filters.status.length === 1 && filters.status[0] === s ? "page" : undefined}>{s.replace("_", " ")}</Link>
            ))}
          </nav>
          <form method="get" className="filterbar" aria-label="filters">
            <input type="hidden" name="status" value={filters.status.join(",")} />
            <label>Severity <input name="severity" defaultValue={filters.severity.join(",")} placeholder="critical,high" /></label>
            <label>Rule <input name="rule" defaultValue={filters.rule.join(",")} /></label>
            <label>Host <input name="host" defaultValue={filters.host} /></label>
            <label>Actor <input name="actor" defaultValue={filters.actor} /></label>
            <button type="submit">Filter</button>
          </form>
          {queue.length === 0 ? <NoFindings anyAtAll={counts.bySeverity.some((c) => c.total > 0)} /> : (
            <table className="events" data-testid="findings-table">
              <thead><tr><th>Severity</th><th>Age</th><th>Rule</th><th>Summary</th><th>Who</th><th>Where</th><th>Status</th></tr></thead>
              <tbody>
                {queue.map((f) => (
                  <tr key={f.finding_id} aria-selected={f.finding_id === selected} data-finding={f.finding_id}>
                    <td><span className={`sev sev-${f.severity}`}>{f.severity}</span></td>
                    <td>{age(f.age_s)}</td>
                    <td><code>{f.rule_id || f.detector}</code></td>
                    <td className="summary"><Link href={href({ finding: f.finding_id })}>{f.title}</Link></td>
                    <td>{f.actor_id || "—"}</td>
                    <td>{f.host}</td>
                    <td>{f.status.replace("_", " ")}{f.assignee ? ` · ${f.assignee}` : ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <Pager offset={offset} shown={queue.length} total={total} pageSize={QUEUE_PAGE} href={(o) => href({ offset: String(o) })} noun="findings" testId="findings-pages" />
          <h2>Suppressions</h2>
          <SuppressionsTable rows={suppressions} mayRevoke={can(viewer, "findings:triage")} />
        </>
      )}
      {analyst && selected ? (
        <Suspense fallback={<aside className="drawer"><Skeleton rows={12} /></aside>}>
          <FindingDrawer viewer={viewer} store={store} id={selected} closeHref={`/findings?${query.toString()}`} />
        </Suspense>
      ) : null}
    </>
  );
}

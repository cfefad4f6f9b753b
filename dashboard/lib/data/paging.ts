import "server-only";
import type { DriftRow } from "../../../drift/queries";
import { DRIFT_STATES } from "../../../drift/states";
import type { Store } from "../../../store/open";
import { assertCan, type Viewer } from "../auth/permissions";
import type { QueueFilters, QueuedFinding } from "./findings";
import { driftGroupsQuery, findingsPageQuery, type DriftGroupRequest } from "./paging-queries";

/**
 * Pages of the lists the Direct edits and Anomalies pages show, so no page
 * renders an unbounded list at fleet scale (issue #14: the Direct edits page
 * printed 1,977 rows at once). Kept apart from drift.ts and findings.ts,
 * whose functions keep their signatures for the other callers.
 */

/** One page of edits per state (`per_state` rows from `offset`), grouped by state in DRIFT_STATES order. Needs drift:read. */
export async function driftEditsByState(viewer: Viewer, store: Store, request: DriftGroupRequest): Promise<Map<DriftRow["state"], DriftRow[]>> {
  assertCan(viewer, "drift:read");
  const rows = await driftGroupsQuery(store, request);
  const groups = new Map<DriftRow["state"], DriftRow[]>();
  for (const state of DRIFT_STATES) {
    const of = rows.filter((r) => r.state === state);
    if (of.length > 0) groups.set(state, of);
  }
  return groups;
}

/** One page of the findings queue and how many match in all. Needs findings:read. */
export async function findingsQueuePage(viewer: Viewer, store: Store, filters: QueueFilters, page: { limit: number; offset: number }): Promise<{ rows: QueuedFinding[]; total: number }> {
  assertCan(viewer, "findings:read");
  const rows = await findingsPageQuery(store, { statuses: filters.status, severities: filters.severity, rules: filters.rule, host: filters.host, actor: filters.actor, ...page });
  return { rows: rows.map(({ total: _total, ...finding }) => finding), total: rows[0]?.total ?? 0 };
}

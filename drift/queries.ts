import { z } from "zod";
import { chTimeToIso } from "../store/event-rows";
import type { AuditEvent } from "../schemas";
import { eventsByIdQuery } from "../store/events";
import type { Store } from "../store/open";
import { defineQuery } from "../store/query";
import { ACCEPT_RESOURCE_PREFIX } from "./facts";
import { DRIFT_STATES, NEEDS_ATTENTION_STATES } from "./states";

/**
 * The drift query API for the dashboard and the CLI: the list with filters,
 * one edit with its evidence trail, the overview's open-edits figures and
 * the trends page's edit-to-backport lag. All read the drift table FINAL (the
 * newest evaluation of each edit).
 */
const time = z.string().transform((s) => (s === "" ? null : chTimeToIso(s)));
const optTime = z.string().nullable().transform((s) => (s === null || s === "" ? null : chTimeToIso(s)));

export const driftRowSchema = z.object({
  change_event_id: z.string(),
  env: z.string(),
  host: z.string(),
  service: z.string(),
  path: z.string(),
  old_path: z.string(),
  op: z.string(),
  channel: z.string(),
  occurred_at: time,
  age_s: z.coerce.number(),
  before_hash: z.string(),
  after_hash: z.string(),
  repo: z.string(),
  repo_path: z.string(),
  state: z.enum(DRIFT_STATES),
  state_reason: z.string(),
  flagged: z.coerce.boolean(),
  actor_id: z.string(),
  attribution_method: z.string(),
  attribution_confidence: z.coerce.number(),
  session_id: z.string(),
  matched_commit: z.string(),
  matched_at: optTime,
  lag_s: z.coerce.number().nullable(),
  overwritten_by: z.string(),
  overwritten_at: optTime,
  overwrite_deploy_id: z.string(),
  deploy_event_id: z.string(),
  accepted_by: z.string(),
  accepted_ticket: z.string(),
  accepted_note: z.string(),
  accepted_at: optTime,
  evaluated_at: time,
});
export type DriftRow = z.output<typeof driftRowSchema>;

const COLUMNS = `change_event_id, env, host, service, path, old_path, op, channel, occurred_at,
  dateDiff('second', occurred_at, now64(3)) AS age_s, before_hash, after_hash, repo, repo_path, state, state_reason, flagged,
  actor_id, attribution_method, attribution_confidence, session_id, matched_commit, matched_at, lag_s,
  overwritten_by, overwritten_at, overwrite_deploy_id, deploy_event_id,
  accepted_by, accepted_ticket, accepted_note, accepted_at, evaluated_at`;

export const driftFiltersSchema = z.object({
  states: z.array(z.enum(DRIFT_STATES)).default([]),
  hosts: z.array(z.string()).default([]),
  /** Substring of the host path. */
  path: z.string().default(""),
  repo: z.string().default(""),
  env: z.string().default(""),
  /** Only edits at least this old (seconds). */
  min_age_s: z.number().int().min(0).default(0),
  /** Only edits at most this old (seconds); 0 = no limit. */
  max_age_s: z.number().int().min(0).default(0),
  flagged_only: z.boolean().default(false),
  /** Only what needs attention (states.ts NEEDS_ATTENTION_STATES): pending, unreconciled, lost hotfixes no commit holds. */
  needs_attention: z.boolean().default(false),
  /** Leave out unmanaged changes (listed apart, grouped by path: unmanaged.ts). */
  managed_only: z.boolean().default(false),
  limit: z.number().int().min(1).max(10_000).default(500),
});
export type DriftFilters = z.input<typeof driftFiltersSchema>;

const listQuery = defineQuery({
  name: "drift.list",
  params: driftFiltersSchema,
  row: driftRowSchema,
  sql: (t) => `
    SELECT ${COLUMNS} FROM ${t.drift} FINAL
    WHERE (empty({states:Array(String)}) OR has({states:Array(String)}, state))
      AND (empty({hosts:Array(String)}) OR has({hosts:Array(String)}, host))
      AND (empty({path:String}) OR position(path, {path:String}) > 0)
      AND (empty({repo:String}) OR repo = {repo:String})
      AND (empty({env:String}) OR env = {env:String})
      AND dateDiff('second', occurred_at, now64(3)) >= {min_age_s:UInt32}
      AND ({max_age_s:UInt32} = 0 OR dateDiff('second', occurred_at, now64(3)) <= {max_age_s:UInt32})
      AND (NOT {flagged_only:Bool} OR flagged)
      AND (NOT {needs_attention:Bool} OR state IN ('pending', 'unreconciled') OR (state = 'lost_hotfix' AND flagged))
      AND (NOT {managed_only:Bool} OR state != 'unmanaged')
    ORDER BY occurred_at DESC, change_event_id
    LIMIT {limit:UInt32}`,
});

export function listDrift(store: Store, filters: DriftFilters = {}): Promise<DriftRow[]> {
  return listQuery(store, filters);
}

const oneQuery = defineQuery({
  name: "drift.one",
  params: z.object({ id: z.string() }),
  row: driftRowSchema,
  sql: (t) => `SELECT ${COLUMNS} FROM ${t.drift} FINAL WHERE change_event_id = {id:String} ORDER BY path`,
});

const trailIdsQuery = defineQuery({
  name: "drift.trail_ids",
  params: z.object({ id: z.string(), host: z.string(), session: z.string(), commit: z.string(), deploy: z.string(), from: z.string(), to: z.string() }),
  row: z.object({ event_id: z.string() }),
  sql: (t) => `
    SELECT DISTINCT event_id FROM ${t.events}
    WHERE (type = 'audit.view' AND resource = concat('${ACCEPT_RESOURCE_PREFIX}', {id:String}))
       OR ({commit:String} != '' AND type = 'codebase.commit' AND commit = {commit:String})
       OR ({deploy:String} != '' AND type = 'deploy.release' AND deploy_id = {deploy:String} AND host = {host:String})
       OR ({session:String} != '' AND session_id = {session:String} AND host = {host:String}
           AND occurred_at BETWEEN parseDateTime64BestEffort({from:String}, 3, 'UTC') AND parseDateTime64BestEffort({to:String}, 3, 'UTC'))
    LIMIT 200`,
});

export interface DriftEvidence {
  edit: DriftRow;
  /** Other rows of the same change (a rename's two paths). */
  siblings: DriftRow[];
  /** The change itself, the session's events around it, the matching commit, what overwrote it, acceptances — oldest first. */
  trail: AuditEvent[];
}

/** One edit with its evidence trail, or undefined when the id is unknown. */
export async function getDriftEdit(store: Store, changeEventId: string): Promise<DriftEvidence | undefined> {
  const [edit, ...siblings] = await oneQuery(store, { id: changeEventId });
  if (edit === undefined) return undefined;
  const at = Date.parse(edit.occurred_at ?? "");
  const ids = await trailIdsQuery(store, {
    id: changeEventId,
    host: edit.host,
    session: edit.session_id,
    commit: edit.matched_commit,
    deploy: edit.overwrite_deploy_id,
    from: new Date(at - 4 * 3_600_000).toISOString(),
    to: new Date(at + 3_600_000).toISOString(),
  });
  const wanted = [changeEventId, edit.overwritten_by, edit.deploy_event_id, ...ids.map((r) => r.event_id)].filter((id) => id !== "");
  const trail = await eventsByIdQuery(store, { ids: [...new Set(wanted)] });
  return { edit, siblings, trail };
}

const summaryQuery = defineQuery({
  name: "drift.summary",
  params: z.object({ env: z.string().default("") }),
  row: z.object({ state: z.enum(DRIFT_STATES), edits: z.coerce.number(), flagged_edits: z.coerce.number(), oldest: time }),
  sql: (t) => `
    SELECT state, count() AS edits, countIf(flagged) AS flagged_edits, toString(min(occurred_at)) AS oldest FROM ${t.drift} FINAL
    WHERE empty({env:String}) OR env = {env:String}
    GROUP BY state ORDER BY state`,
});

/** Counts per state, and the overview tile's "open direct edits": the needs-attention states (states.ts), flagged. */
export async function driftSummary(store: Store, env = ""): Promise<{ byState: Array<{ state: string; edits: number; flagged_edits: number; oldest: string | null }>; open: number; unmanaged: number }> {
  const rows = await summaryQuery(store, { env });
  const open = rows.filter((r) => NEEDS_ATTENTION_STATES.has(r.state)).reduce((n, r) => n + r.flagged_edits, 0);
  return { byState: rows, open, unmanaged: rows.find((r) => r.state === "unmanaged")?.edits ?? 0 };
}

const lagQuery = defineQuery({
  name: "drift.backport_lag",
  params: z.object({ from: z.string(), to: z.string(), env: z.string().default("") }),
  row: z.object({ day: z.string(), backports: z.coerce.number(), median_lag_s: z.coerce.number(), p90_lag_s: z.coerce.number() }),
  sql: (t) => `
    SELECT toString(toDate(matched_at)) AS day, count() AS backports,
           quantileExact(0.5)(lag_s) AS median_lag_s, quantileExact(0.9)(lag_s) AS p90_lag_s
    FROM ${t.drift} FINAL
    WHERE state = 'backported' AND lag_s IS NOT NULL
      AND matched_at >= parseDateTime64BestEffort({from:String}, 3, 'UTC') AND matched_at < parseDateTime64BestEffort({to:String}, 3, 'UTC')
      AND (empty({env:String}) OR env = {env:String})
    GROUP BY day ORDER BY day`,
});

/** The trends page's edit-to-backport time: per day of backport, count and median / p90 lag in seconds. */
export function backportLagSeries(store: Store, range: { from: string; to: string; env?: string }) {
  return lagQuery(store, range);
}

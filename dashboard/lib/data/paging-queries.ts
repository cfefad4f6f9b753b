import { z } from "zod";
import { driftRowSchema } from "../../../drift/queries";
import { DRIFT_STATES } from "../../../drift/states";
import { FINDING_COLUMNS, storedFindingSchema } from "../../../detections/finding-rows";
import { defineQuery } from "../../../store/query";
import { FINDINGS_QUEUE_ORDER, FINDINGS_QUEUE_WHERE } from "../queries/findings-queue-sql";

/**
 * The paged reads behind paging.ts (kept free of "server-only" so
 * paging-queries.test.ts runs them against the real engine).
 */

/** Columns of a drift row: the schema's own keys (identifiers from a typed constant), age computed as drift/queries.ts does. */
const DRIFT_COLUMNS = [...Object.keys(driftRowSchema.shape).filter((k) => k !== "age_s"), "dateDiff('second', occurred_at, now64(3)) AS age_s"].join(", ");

export const driftGroupParams = z.object({
  states: z.array(z.enum(DRIFT_STATES)).min(1),
  hosts: z.array(z.string()).default([]),
  path: z.string().default(""),
  repo: z.string().default(""),
  per_state: z.number().int().min(1).max(200),
  offset: z.number().int().min(0).max(100_000).default(0),
});
export type DriftGroupRequest = z.input<typeof driftGroupParams>;

export const driftGroupsQuery = defineQuery({
  name: "dashboard.drift_groups",
  params: driftGroupParams,
  row: driftRowSchema,
  // LIMIT … BY state: one round trip gives each state its own page, newest first.
  sql: (t) => `
    SELECT ${DRIFT_COLUMNS} FROM ${t.drift} FINAL
    WHERE has({states:Array(String)}, state)
      AND (empty({hosts:Array(String)}) OR has({hosts:Array(String)}, host))
      AND (empty({path:String}) OR position(path, {path:String}) > 0)
      AND (empty({repo:String}) OR repo = {repo:String})
    ORDER BY occurred_at DESC, change_event_id
    LIMIT {per_state:UInt32} OFFSET {offset:UInt32} BY state`,
});

export const findingsPageQuery = defineQuery({
  name: "dashboard.findings_queue_page",
  params: z.object({
    statuses: z.array(z.string()).max(10),
    severities: z.array(z.string()).max(10),
    rules: z.array(z.string()).max(50),
    host: z.string(),
    actor: z.string(),
    limit: z.number().int().min(1).max(500),
    offset: z.number().int().min(0).max(1_000_000),
  }),
  row: storedFindingSchema.extend({ age_s: z.coerce.number(), total: z.coerce.number() }),
  // The same order as the queue (queries/findings.ts): most severe, then longest waiting; count() OVER () is the match count before the page.
  sql: (t) => `
    SELECT ${FINDING_COLUMNS}, dateDiff('second', occurred_at, now64(3)) AS age_s, count() OVER () AS total
    FROM ${t.findings} FINAL
    WHERE ${FINDINGS_QUEUE_WHERE}
    ORDER BY ${FINDINGS_QUEUE_ORDER}
    LIMIT {limit:UInt32} OFFSET {offset:UInt32}`,
});


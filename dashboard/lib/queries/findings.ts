import "server-only";
import { z } from "zod";
import { defineQuery } from "../../../store/query";
import { chTimeToIso } from "../../../store/event-rows";
import { FINDING_COLUMNS, storedFindingSchema } from "../../../detections/finding-rows";
import { FINDING_RULE, FINDINGS_QUEUE_ORDER, FINDINGS_QUEUE_WHERE } from "./findings-queue-sql";

/**
 * The Anomalies page's reads of `findings` (rule and integrity findings in
 * one queue). Severity order is explicit (critical first), then age (oldest
 * open first: it has waited longest).
 */

export const findingsQueueQuery = defineQuery({
  name: "dashboard.findings_queue",
  params: z.object({
    statuses: z.array(z.string()).max(10),
    severities: z.array(z.string()).max(10),
    rules: z.array(z.string()).max(50),
    host: z.string(),
    actor: z.string(),
    limit: z.number().int().min(1).max(1000),
  }),
  row: storedFindingSchema.extend({ age_s: z.coerce.number() }),
  sql: (t) => `
    SELECT ${FINDING_COLUMNS}, dateDiff('second', occurred_at, now64(3)) AS age_s
    FROM ${t.findings} FINAL
    WHERE ${FINDINGS_QUEUE_WHERE}
    ORDER BY ${FINDINGS_QUEUE_ORDER}
    LIMIT {limit:UInt32}`,
});

/** Counts only (viewers may see them): per severity and status. */
export const findingCountsQuery = defineQuery({
  name: "dashboard.findings_counts",
  params: z.object({}),
  row: z.object({ severity: z.string(), status: z.string(), findings: z.coerce.number() }),
  sql: (t) => `SELECT severity, status, count() AS findings FROM ${t.findings} FINAL GROUP BY severity, status ORDER BY severity, status`,
});

/** Findings per rule per day of occurrence, over the last `days`. */
export const findingsPerRuleQuery = defineQuery({
  name: "dashboard.findings_per_rule",
  params: z.object({ days: z.number().int().min(1).max(90) }),
  row: z.object({ rule: z.string(), day: z.string(), findings: z.coerce.number() }),
  sql: (t) => `
    SELECT ${FINDING_RULE} AS rule, toString(toDate(occurred_at)) AS day, count() AS findings
    FROM ${t.findings} FINAL
    WHERE occurred_at >= toStartOfDay(now64(3)) - toIntervalDay({days:UInt32} - 1)
    GROUP BY rule, day
    ORDER BY rule, day`,
});

export const findingByIdQuery = defineQuery({
  name: "dashboard.finding_by_id",
  params: z.object({ id: z.string().min(1).max(512) }),
  row: storedFindingSchema,
  sql: (t) => `SELECT ${FINDING_COLUMNS} FROM ${t.findings} FINAL WHERE finding_id = {id:String} LIMIT 1`,
});

/** The triage history of one finding: its audited `finding:triage:*` records. */
export const triageHistoryQuery = defineQuery({
  name: "dashboard.finding_triage_history",
  params: z.object({ suffix: z.string().min(1) }),
  row: z.object({ occurred_at: z.string().transform(chTimeToIso), actor_id: z.string(), action: z.string(), note: z.string() }),
  sql: (t) => `
    SELECT occurred_at, actor_id, labels['triage'] AS action, reason AS note
    FROM ${t.events}
    WHERE type = 'audit.view' AND startsWith(resource, 'finding:triage:') AND endsWith(resource, {suffix:String})
    ORDER BY occurred_at, event_id
    LIMIT 1 BY event_id`,
});

/**
 * The Anomalies queue's filter and order, shared by the whole-queue read
 * (queries/findings.ts) and its paged read (data/paging-queries.ts). Kept
 * free of "server-only" so the paged query's test can load it. Severity
 * order is explicit (critical first), then age (oldest open first: it has
 * waited longest).
 */
const SEVERITY_RANK = "multiIf(severity = 'critical', 4, severity = 'high', 3, severity = 'medium', 2, severity = 'low', 1, 0)";

/** A finding's rule: its rule id, or the detector that raised it (integrity findings have no rule). */
export const FINDING_RULE = "if(rule_id != '', rule_id, detector)";

/** Needs the parameters statuses, severities, rules (Array(String)), host and actor (String). */
export const FINDINGS_QUEUE_WHERE = `(empty({statuses:Array(String)}) OR has({statuses:Array(String)}, status))
      AND (empty({severities:Array(String)}) OR has({severities:Array(String)}, severity))
      AND (empty({rules:Array(String)}) OR has({rules:Array(String)}, ${FINDING_RULE}))
      AND (empty({host:String}) OR host = {host:String})
      AND (empty({actor:String}) OR actor_id = {actor:String})`;

export const FINDINGS_QUEUE_ORDER = `${SEVERITY_RANK} DESC, occurred_at ASC, finding_id`;

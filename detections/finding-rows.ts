import { createHash } from "node:crypto";
import { z } from "zod";
import { chTimeToIso } from "../store/event-rows";
import { defineQuery } from "../store/query";

/**
 * Rule findings in the `findings` table (integrity findings live there too,
 * detector "integrity"). A finding's id is its fingerprint: rule + the
 * rule's grouping key (which holds its time bucket), so a window scanned
 * twice — overlap, a retry, a second worker — writes the same row again
 * and ReplacingMergeTree(version) keeps one.
 */
export const RULE_DETECTOR = "rule";

export const FINDING_STATUSES = ["open", "acknowledged", "resolved", "false_positive", "suppressed"] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];

export function fingerprintOf(ruleId: string, groupKey: string): string {
  return createHash("sha256").update(ruleId).update("\0").update(groupKey).digest("hex").slice(0, 32);
}

export function ruleFindingId(ruleId: string, groupKey: string): string {
  return `${RULE_DETECTOR}:${ruleId}:${fingerprintOf(ruleId, groupKey)}`;
}

export const storedFindingSchema = z.object({
  finding_id: z.string(),
  detector: z.string(),
  rule_id: z.string(),
  fingerprint: z.string(),
  severity: z.string(),
  title: z.string(),
  detail: z.string(),
  env: z.string(),
  host: z.string(),
  service: z.string(),
  actor_id: z.string(),
  source_ip: z.string(),
  occurred_at: z.string().transform(chTimeToIso),
  event_ids: z.array(z.string()),
  tags: z.array(z.string()),
  status: z.string(),
  assignee: z.string(),
  note: z.string(),
  suppressed_by: z.string(),
  created_at: z.string().transform(chTimeToIso),
  updated_at: z.string().transform(chTimeToIso),
  version: z.coerce.number(),
});
export type StoredFinding = z.output<typeof storedFindingSchema>;

export const FINDING_COLUMNS =
  "finding_id, detector, rule_id, fingerprint, severity, title, detail, env, host, service, actor_id, source_ip, occurred_at, event_ids, tags, status, assignee, note, suppressed_by, created_at, updated_at, version";

export const findingsByIdQuery = defineQuery({
  name: "detections.findings_by_id",
  params: z.object({ ids: z.array(z.string()).max(100_000) }),
  row: storedFindingSchema,
  sql: (t) => `SELECT ${FINDING_COLUMNS} FROM ${t.findings} FINAL WHERE finding_id IN {ids:Array(String)}`,
});

/** A row to insert: the stored shape with ISO times, every column present. */
export function findingRow(f: StoredFinding): Record<string, unknown> {
  return { ...f };
}

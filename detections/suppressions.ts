import { z } from "zod";
import { chTimeToIso } from "../store/event-rows";
import type { Store } from "../store/open";
import { defineQuery } from "../store/query";

/**
 * A suppression silences future findings of one rule for one actor, host or
 * source ('' = any of them, but at least one is named) until it expires.
 * Findings it silences are still stored, as status "suppressed" naming it,
 * so an auditor can see what was silenced and by whom.
 */
export const suppressionSchema = z.object({
  suppression_id: z.string(),
  rule_id: z.string(),
  actor_id: z.string(),
  host: z.string(),
  source_ip: z.string(),
  reason: z.string(),
  created_by: z.string(),
  created_at: z.string().transform(chTimeToIso),
  expires_at: z.string().transform(chTimeToIso),
  revoked: z.boolean(),
  version: z.coerce.number(),
});
export type Suppression = z.output<typeof suppressionSchema>;

const activeQuery = defineQuery({
  name: "detections.suppressions_active",
  params: z.object({ now: z.string() }),
  row: suppressionSchema,
  sql: (t) => `
    SELECT suppression_id, rule_id, actor_id, host, source_ip, reason, created_by, created_at, expires_at, revoked, version
    FROM ${t.suppressions} FINAL
    WHERE NOT revoked AND expires_at > parseDateTime64BestEffort({now:String}, 3)
    ORDER BY created_at DESC`,
});

const allQuery = defineQuery({
  name: "detections.suppressions_all",
  params: z.object({ limit: z.number().int().min(1).max(10_000) }),
  row: suppressionSchema,
  sql: (t) => `
    SELECT suppression_id, rule_id, actor_id, host, source_ip, reason, created_by, created_at, expires_at, revoked, version
    FROM ${t.suppressions} FINAL ORDER BY created_at DESC LIMIT {limit:UInt32}`,
});

export function activeSuppressions(store: Store, now = new Date()): Promise<Suppression[]> {
  return activeQuery(store, { now: now.toISOString() });
}

/** Every suppression, active, expired or revoked, newest first (the page lists them all). */
export function listSuppressions(store: Store, limit = 500): Promise<Suppression[]> {
  return allQuery(store, { limit });
}

export interface SuppressionTarget {
  rule_id: string;
  actor_id: string;
  host: string;
  source_ip: string;
}

/** The first active suppression that covers this finding, if any. */
export function suppressionFor(target: SuppressionTarget, active: readonly Suppression[]): Suppression | undefined {
  const covers = (want: string, got: string) => want === "" || want === got;
  return active.find((s) => s.rule_id === target.rule_id && covers(s.actor_id, target.actor_id) && covers(s.host, target.host) && covers(s.source_ip, target.source_ip));
}

import { z } from "zod";
import type { Store } from "../store/open";
import { chTimeToIso } from "../store/event-rows";
import { queryParams, resolveTables } from "./check";
import { RuleRunError } from "./errors";
import type { Rule } from "./rule";

/** One row of a rule's result: a finding before it has a fingerprint. */
export const hitSchema = z.object({
  group_key: z.string(),
  occurred_at: z.string().transform(chTimeToIso),
  actor_id: z.string(),
  host: z.string(),
  env: z.string(),
  source_ip: z.string(),
  event_ids: z.array(z.string()),
  summary: z.string(),
});
export type Hit = z.output<typeof hitSchema>;

export interface Window {
  from: Date;
  to: Date;
}

/**
 * Runs one rule over a received_at window. A windowed rule's `{from}` is
 * moved back by its lookback, so a burst that straddles two scan windows is
 * still counted whole; its fingerprint (group_key) keeps the two scans from
 * making two findings.
 */
export async function runRule(store: Store, rule: Rule, window: Window): Promise<Hit[]> {
  const from = new Date(window.from.getTime() - rule.lookbackMinutes * 60_000);
  let raw: unknown[];
  try {
    const result = await store.client.query({
      query: resolveTables(rule.sql, store.tables),
      query_params: queryParams(rule, from, window.to),
      format: "JSONEachRow",
      clickhouse_settings: { log_comment: `detections.rule.${rule.id}` },
    });
    raw = await result.json();
  } catch (error) {
    throw new RuleRunError(rule.id, `query failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return raw.map((row, i) => {
    const parsed = hitSchema.safeParse(row);
    if (!parsed.success) throw new RuleRunError(rule.id, `row ${i}: ${parsed.error.issues.map((x) => `${x.path.join(".")}: ${x.message}`).join("; ")}`);
    return parsed.data;
  });
}

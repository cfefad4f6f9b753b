import { z } from "zod";
import { runCommand, defineQuery } from "../../store/query";
import type { Store } from "../../store/open";

/**
 * The end-to-end oracle: did every produced event reach the store exactly
 * once? It looks three ways, because each catches what the others miss:
 *  - the set of stored event_ids equals the produced set (a missing or a
 *    foreign id);
 *  - uniqExact(event_id) = produced, and count() … FINAL = produced: what
 *    dashboards and the CLI count (the two ways readers see past duplicates);
 *  - raw count() = produced: a physical second row. With `optimize` the
 *    table is merged first (OPTIMIZE … FINAL), so a same-content redelivery
 *    that ReplacingMergeTree is designed to collapse does not count, while a
 *    second row it cannot collapse (same id, other sort key) still does.
 * Returns the problems found, [] when exactly once. Shown to fail on planted
 * faults in exactly-once.test.ts.
 */
export interface OracleOptions {
  /** Merge (OPTIMIZE TABLE … FINAL) before counting raw rows. */
  optimize: boolean;
}

const idsQuery = defineQuery({
  name: "test.pipeline.ids",
  params: z.object({}),
  row: z.object({ event_id: z.string(), copies: z.coerce.number() }),
  sql: (t) => `SELECT event_id, count() AS copies FROM ${t.events} GROUP BY event_id`,
});

const countsQuery = defineQuery({
  name: "test.pipeline.counts",
  params: z.object({}),
  row: z.object({ distinct: z.coerce.number(), rows: z.coerce.number(), final: z.coerce.number() }),
  sql: (t) => `SELECT uniqExact(event_id) AS distinct, count() AS rows, (SELECT count() FROM ${t.events} FINAL) AS final FROM ${t.events}`,
});

export async function exactlyOnceProblems(store: Store, produced: ReadonlySet<string>, opts: OracleOptions): Promise<string[]> {
  if (opts.optimize) await runCommand(store, `OPTIMIZE TABLE ${store.tables.events} FINAL`, "test.pipeline.optimize");
  const problems: string[] = [];
  const stored = await idsQuery(store, {});
  const storedIds = new Set(stored.map((r) => r.event_id));
  const missing = [...produced].filter((id) => !storedIds.has(id));
  const foreign = stored.filter((r) => !produced.has(r.event_id)).map((r) => r.event_id);
  if (missing.length > 0) problems.push(`missing ${missing.length} event_id(s), e.g. ${missing.slice(0, 3).join(", ")}`);
  if (foreign.length > 0) problems.push(`unexpected ${foreign.length} event_id(s), e.g. ${foreign.slice(0, 3).join(", ")}`);
  const [counts] = await countsQuery(store, {});
  if (counts?.distinct !== produced.size) problems.push(`uniqExact(event_id) = ${counts?.distinct}, produced ${produced.size}`);
  if (counts?.final !== produced.size) problems.push(`count() FINAL = ${counts?.final}, produced ${produced.size}`);
  if (counts?.rows !== produced.size) {
    const doubled = stored.filter((r) => r.copies > 1).map((r) => `${r.event_id}×${r.copies}`);
    problems.push(`count()${opts.optimize ? " after OPTIMIZE FINAL" : ""} = ${counts?.rows}, produced ${produced.size}; doubled: ${doubled.slice(0, 3).join(", ")}`);
  }
  return problems;
}

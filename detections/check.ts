import { z } from "zod";
import type { Store } from "../store/open";
import { TABLE_NAMES, type Tables } from "../store/tables";
import { RuleLoadError } from "./errors";
import { RESULT_COLUMNS, type Rule } from "./rule";

/** `{{events}}` → the configured database's table. */
export function resolveTables(sql: string, tables: Tables): string {
  return sql.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => {
    const found = TABLE_NAMES.find((t) => t === name);
    return found ? tables[found] : whole;
  });
}

/** Parameter values for the engine: the window, then the rule's own (config overrides applied by the caller). */
export function queryParams(rule: Rule, from: Date, to: Date): Record<string, unknown> {
  const chTime = (d: Date) => d.toISOString().replace("T", " ").replace("Z", "");
  return { ...Object.fromEntries(Object.entries(rule.params).map(([k, p]) => [k, p.value])), from: chTime(from), to: chTime(to) };
}

const describeRow = z.object({ name: z.string(), type: z.string() });

/**
 * The engine's verdict on a rule's SQL, before any round runs: it must parse,
 * name existing tables and columns, and return RESULT_COLUMNS with their
 * types. DESCRIBE plans the query without reading data.
 */
export async function checkRule(store: Store, rule: Rule): Promise<void> {
  let rows: unknown[];
  try {
    const result = await store.client.query({
      query: `DESCRIBE (${resolveTables(rule.sql, store.tables)})`,
      query_params: queryParams(rule, new Date(0), new Date(0)),
      format: "JSONEachRow",
      clickhouse_settings: { log_comment: `detections.check.${rule.id}` },
    });
    rows = await result.json();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new RuleLoadError(rule.file, rule.line, `the engine refuses the query: ${message.split("\n")[0]?.slice(0, 400) ?? message}`);
  }
  const columns = new Map(rows.map((r) => describeRow.parse(r)).map((c) => [c.name, c.type]));
  for (const [name, type] of Object.entries(RESULT_COLUMNS)) {
    const got = columns.get(name);
    if (got === undefined) throw new RuleLoadError(rule.file, rule.line, `the query must return a column '${name}' (${type.source}); it returns ${[...columns.keys()].join(", ")}`);
    if (!type.test(got)) throw new RuleLoadError(rule.file, rule.line, `column '${name}' is ${got}; it must be ${type.source.replace(/[\\^$]/g, "")}`);
  }
}

/** Loads are refused on the first bad rule: a rule set is usable only whole. */
export async function checkRules(store: Store, rules: readonly Rule[]): Promise<void> {
  for (const rule of rules) await checkRule(store, rule);
}

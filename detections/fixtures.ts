import { existsSync, readFileSync } from "node:fs";
import { basename } from "node:path";
import type { Store } from "../store/open";
import { toEventRow } from "../store/event-rows";
import { insertRows, runCommand } from "../store/query";
import { RuleLoadError } from "./errors";
import { expandFixtureEvents } from "./fixture-events";
import { fixtureFileSchema, type Expectation, type FixtureCase } from "./fixture-schema";
import type { Rule } from "./rule";
import { runRule, type Hit } from "./run-rule";
import { parseYamlSource } from "./yaml-source";

/** The fixtures file of a rule file: `x.yml` → `x.fixtures.yml`. */
export function fixturesPathOf(ruleFile: string): string {
  return ruleFile.replace(/\.ya?ml$/, ".fixtures.yml");
}

export function loadFixtureCases(path: string): FixtureCase[] {
  const source = parseYamlSource(readFileSync(path, "utf8"));
  const yamlError = source.errors[0];
  if (yamlError) throw new RuleLoadError(path, yamlError.line, `YAML: ${yamlError.message}`);
  const parsed = fixtureFileSchema.safeParse(source.data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RuleLoadError(path, source.lineOf(issue?.path ?? []), `${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid fixtures"}`);
  }
  return parsed.data.cases;
}

export interface CaseResult {
  rule: string;
  name: string;
  ok: boolean;
  /** What differed, one line each; empty when ok. */
  problems: string[];
  hits: Hit[];
}

function matches(hit: Hit, e: Expectation): boolean {
  return (
    (e.actor_id === undefined || hit.actor_id === e.actor_id) &&
    (e.host === undefined || hit.host === e.host) &&
    (e.env === undefined || hit.env === e.env) &&
    (e.source_ip === undefined || hit.source_ip === e.source_ip) &&
    (e.summary === undefined || hit.summary.includes(e.summary)) &&
    (e.evidence === undefined || hit.event_ids.length === e.evidence)
  );
}

/** Exactly the expected findings: each expectation matches its own finding, and no finding is left over. */
export function compareHits(hits: readonly Hit[], expected: readonly Expectation[]): string[] {
  const left = [...hits];
  const problems: string[] = [];
  for (const e of expected) {
    const at = left.findIndex((h) => matches(h, e));
    if (at < 0) problems.push(`expected a finding ${JSON.stringify(e)}, none matches`);
    else left.splice(at, 1);
  }
  for (const h of left) problems.push(`unexpected finding: ${h.summary} (actor ${h.actor_id || "-"}, host ${h.host}, source ${h.source_ip || "-"}, ${h.event_ids.length} events)`);
  return problems;
}

/** One case in a store of its own (events and drift are emptied first). */
export async function runCase(store: Store, rule: Rule, c: FixtureCase): Promise<CaseResult> {
  await runCommand(store, `TRUNCATE TABLE IF EXISTS ${store.tables.events}`, "detections.fixture.truncate_events");
  await runCommand(store, `TRUNCATE TABLE IF EXISTS ${store.tables.drift}`, "detections.fixture.truncate_drift");
  const events = expandFixtureEvents(c.name, c.events);
  // One insert, each row with its own received_at: late events are the point of many cases.
  await insertRows(store, { table: "events", rows: events.map((e) => toEventRow(e.event, e.receivedAt.toISOString())) });
  await insertRows(store, { table: "drift", rows: c.rows.drift });
  const params = { ...rule.params };
  for (const [name, value] of Object.entries(c.params)) {
    const declared = params[name];
    if (declared === undefined) return { rule: rule.id, name: c.name, ok: false, problems: [`params: the rule has no parameter '${name}'`], hits: [] };
    params[name] = { ...declared, value };
  }
  const hits = await runRule(store, { ...rule, params }, c.window);
  const problems = compareHits(hits, c.expect);
  return { rule: rule.id, name: c.name, ok: problems.length === 0, problems, hits };
}

/** Every rule's fixtures; a rule without a fixtures file is reported, not skipped silently. */
export async function runAllFixtures(store: Store, rules: readonly Rule[]): Promise<{ results: CaseResult[]; untested: string[] }> {
  const results: CaseResult[] = [];
  const untested: string[] = [];
  for (const rule of rules) {
    const path = fixturesPathOf(rule.path || rule.file);
    if (!existsSync(path)) {
      untested.push(`${rule.id} (${basename(rule.file)}: no ${basename(path)})`);
      continue;
    }
    for (const c of loadFixtureCases(path)) results.push(await runCase(store, rule, c));
  }
  return { results, untested };
}


import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { clickhouseConfigSchema } from "../config/schema";
import { loadConfig } from "../config/load";
import { checkRules } from "../detections/check";
import { RuleLoadError } from "../detections/errors";
import { fixturesPathOf, runAllFixtures } from "../detections/fixtures";
import { loadRuleFiles } from "../detections/load";
import { recordFindings } from "../detections/record-findings";
import { configuredRules, DetectionsConfigError, loadCheckedRules } from "../detections/rule-set";
import { runRule } from "../detections/run-rule";
import { activeSuppressions } from "../detections/suppressions";
import { planWindows } from "../detections/windows";
import { notificationDeadLettersQuery } from "../detections/notify/dead-letters";
import { migrate } from "../store/migrate";
import { openStore } from "../store/open";
import { CONFIG_OPTION, parseCommandArgs, UsageError } from "./usage";

const USAGE = `usage: prodtrail detections list [--json]
       prodtrail detections run [--since DURATION] [--json]
       prodtrail detections test [DIR]
       prodtrail detections dead-letters [--json]

list  the rules this configuration runs (built-in and detections.rule_dirs).
run   evaluates every rule once over events received since DURATION ago
      (30m, 6h, 2d; default 1h) and stores new findings. Opens the store
      directly: embedded mode needs 'prodtrail serve' stopped, or CLICKHOUSE_URL.
test  runs every rule's fixtures (<rule>.fixtures.yml beside it) in a scratch
      store: events in, expected findings out. DIR: only the rules in DIR.
      Exit code 1 when a case fails, so rules can be kept in CI.
dead-letters  webhook deliveries that failed every attempt (newest first).`;

const OPTIONS = { ...CONFIG_OPTION, json: { type: "boolean" }, since: { type: "string" } } as const;

function parseDuration(text: string): number {
  const m = /^(\d+)(m|h|d)$/.exec(text);
  if (!m) throw new UsageError(`--since ${JSON.stringify(text)}: give a duration such as 30m, 6h or 2d`, USAGE);
  return Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] === "m" ? "m" : m[2] === "h" ? "h" : "d"];
}

export async function runDetectionsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, USAGE, true);
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const [action, dir, extra] = positionals;
  if (extra !== undefined || (dir !== undefined && action !== "test")) throw new UsageError(`unexpected argument '${extra ?? dir ?? ""}'`, USAGE);
  try {
    if (action === "list") return list(values.config, values.json === true);
    if (action === "run") return await run(values.config, parseDuration(values.since ?? "1h"), values.json === true);
    if (action === "test") return await test(values.config, dir);
    if (action === "dead-letters") return await deadLetters(values.config, values.json === true);
  } catch (error) {
    if (error instanceof RuleLoadError || error instanceof DetectionsConfigError) {
      console.error(`prodtrail detections: ${error.message}`);
      return 1;
    }
    throw error;
  }
  throw new UsageError(action === undefined ? "name an action: list, run, test or dead-letters" : `unknown action '${action}' (expected list, run, test or dead-letters)`, USAGE);
}

function list(configPath: string | undefined, json: boolean): number {
  const rules = configuredRules(loadConfig({ path: configPath }).detections);
  if (json) console.log(JSON.stringify(rules.map(({ id, title, severity, kind, tags, types, file, params }) => ({ id, title, severity, kind, tags, types, file, params })), null, 2));
  else for (const r of rules) console.log(`${r.severity.padEnd(8)} ${r.kind.padEnd(5)} ${r.id.padEnd(40)} ${r.title}  [${r.tags.join(" ")}]${existsSync(fixturesPathOf(r.path)) ? "" : "  (no fixtures)"}`);
  return 0;
}

async function run(configPath: string | undefined, sinceMs: number, json: boolean): Promise<number> {
  const config = loadConfig({ path: configPath });
  const store = await openStore({ clickhouse: config.clickhouse, dataDir: config.data_dir });
  try {
    await migrate(store);
    const rules = await loadCheckedRules(store, config.detections);
    const now = new Date();
    const suppressions = await activeSuppressions(store, now);
    const { windows } = planWindows(undefined, { now, overlapMs: 0, maxBackfillMs: sinceMs, maxWindowMs: config.detections.max_window_minutes * 60_000, initialLookbackMs: sinceMs });
    const created = [];
    for (const rule of rules) {
      for (const window of windows) created.push(...(await recordFindings(store, rule, await runRule(store, rule, window), suppressions, now)).created);
    }
    if (json) console.log(JSON.stringify(created, null, 2));
    else {
      for (const f of created) console.log(`${f.severity.padEnd(8)} ${f.rule_id.padEnd(40)} ${f.occurred_at}  ${f.title}`);
      console.log(`${rules.length} rules over the last ${Math.round(sinceMs / 60_000)} min: ${created.length} new findings`);
    }
    return 0;
  } finally {
    await store.close();
  }
}

async function test(configPath: string | undefined, dir: string | undefined): Promise<number> {
  const rules = dir === undefined ? configuredRules(loadConfig({ path: configPath }).detections) : loadRuleFiles([resolve(dir)]);
  // A scratch embedded store of its own: fixtures never touch real data.
  const scratch = mkdtempSync(join(tmpdir(), "prodtrail-detections-test-"));
  const store = await openStore({ clickhouse: clickhouseConfigSchema.parse({ database: "detections_test" }), dataDir: scratch });
  try {
    await migrate(store);
    await checkRules(store, rules);
    const { results, untested } = await runAllFixtures(store, rules);
    for (const r of results) {
      console.log(`${r.ok ? "ok  " : "FAIL"} ${r.rule}: ${r.name}`);
      for (const p of r.problems) console.log(`       ${p}`);
    }
    for (const u of untested) console.log(`--   ${u}`);
    const failed = results.filter((r) => !r.ok).length;
    console.log(`${results.length - failed} of ${results.length} cases passed; ${untested.length} rules without fixtures`);
    return failed > 0 ? 1 : 0;
  } finally {
    await store.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function deadLetters(configPath: string | undefined, json: boolean): Promise<number> {
  const config = loadConfig({ path: configPath });
  const store = await openStore({ clickhouse: config.clickhouse, dataDir: config.data_dir });
  try {
    await migrate(store);
    const rows = await notificationDeadLettersQuery(store, { limit: 1000 });
    if (json) console.log(JSON.stringify(rows, null, 2));
    else if (rows.length === 0) console.log("no failed notifications");
    else for (const r of rows) console.log(`${r.failed_at}  ${r.destination.padEnd(16)} ${r.finding_id}  ${r.attempts} attempts: ${r.last_error}`);
    return 0;
  } finally {
    await store.close();
  }
}

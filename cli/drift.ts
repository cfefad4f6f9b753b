import { userInfo } from "node:os";
import { loadConfig } from "../config/load";
import { acceptanceEvent, acceptInputSchema, DriftEditNotFoundError, locateEdit } from "../drift/accept";
import { DriftJob } from "../drift/job";
import { getDriftEdit, listDrift, type DriftRow } from "../drift/queries";
import { DRIFT_STATES, isDriftState } from "../drift/states";
import { createLogger } from "../lib/log";
import { insertEvents } from "../store/events";
import { migrate } from "../store/migrate";
import { openStore } from "../store/open";
import { CONFIG_OPTION, parseCommandArgs, UsageError } from "./usage";

const USAGE = `usage: prodtrail drift [--state S]... [--host H]... [--path P] [--repo R] [--flagged] [--limit N] [--json] [--evaluate]
       prodtrail drift show CHANGE_EVENT_ID [--json]
       prodtrail drift accept CHANGE_EVENT_ID --ticket T --note N [--by WHO]

Direct production edits and their state (${DRIFT_STATES.join(", ")}).
--evaluate runs the drift job once before listing. 'accept' records an
audited acceptance event (ticket + note) that the job applies; --by defaults
to cli:<os user>. The CLI opens the store directly, which only an operator of
the store can: embedded mode needs 'prodtrail serve' stopped, or CLICKHOUSE_URL.`;

const OPTIONS = {
  ...CONFIG_OPTION,
  state: { type: "string", multiple: true },
  host: { type: "string", multiple: true },
  path: { type: "string" },
  repo: { type: "string" },
  flagged: { type: "boolean" },
  limit: { type: "string" },
  json: { type: "boolean" },
  evaluate: { type: "boolean" },
  ticket: { type: "string" },
  note: { type: "string" },
  by: { type: "string" },
} as const;

function age(seconds: number): string {
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}

function line(r: DriftRow): string {
  const who = r.actor_id === "unknown" ? "unknown" : `${r.actor_id} (${r.attribution_method} ${r.attribution_confidence.toFixed(2)})`;
  const commit = r.matched_commit ? ` ${r.matched_commit.slice(0, 12)}` : "";
  return `${r.state.padEnd(16)} ${age(r.age_s).padStart(5)}  ${r.host.padEnd(16)} ${r.path}  ${who}${commit}  ${r.change_event_id}`;
}

export async function runDriftCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, USAGE, true);
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const [action, id] = positionals;
  if (action !== undefined && action !== "show" && action !== "accept") throw new UsageError(`unknown action '${action}' (expected show or accept)`, USAGE);
  const states = (values.state ?? []).map((s) => {
    if (!isDriftState(s)) throw new UsageError(`unknown state '${s}' (known: ${DRIFT_STATES.join(", ")})`, USAGE);
    return s;
  });
  const limit = values.limit === undefined ? 500 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new UsageError("--limit must be a whole number from 1 to 10000", USAGE);
  if (action !== undefined && !id) throw new UsageError(`${action} needs a CHANGE_EVENT_ID (see 'prodtrail drift')`, USAGE);

  const config = loadConfig({ path: values.config });
  const store = await openStore({ clickhouse: config.clickhouse, dataDir: config.data_dir });
  try {
    await migrate(store);
    if (action === "accept" && id) {
      if (!values.ticket) throw new UsageError("--ticket is required (e.g. --ticket OPS-123)", USAGE);
      if (!values.note) throw new UsageError("--note is required: say why the edit stays", USAGE);
      let where: { host: string; env: string; state: string };
      try {
        where = await locateEdit(store, id);
      } catch (error) {
        if (!(error instanceof DriftEditNotFoundError)) throw error;
        console.error(`prodtrail drift: ${error.message}`);
        return 1;
      }
      const parsed = acceptInputSchema.safeParse({ changeEventId: id, ticket: values.ticket, note: values.note, actorId: values.by ?? `cli:${userInfo().username}`, attributionMethod: "none", channel: "unknown", host: where.host, env: where.env });
      if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "), USAGE);
      const event = acceptanceEvent(parsed.data);
      await insertEvents(store, [event]);
      const result = await new DriftJob(store, config.drift, createLogger("drift")).runOnce();
      console.log(`accepted ${id} (was ${where.state}); acceptance event ${event.event_id}; ${result.written} drift rows updated`);
      return 0;
    }
    if (values.evaluate) await new DriftJob(store, config.drift, createLogger("drift", "warn")).runOnce();
    if (action === "show" && id) {
      const evidence = await getDriftEdit(store, id);
      if (evidence === undefined) {
        console.error(`prodtrail drift: no direct edit with change event id ${id}`);
        return 1;
      }
      if (values.json) console.log(JSON.stringify(evidence, null, 2));
      else {
        console.log(line(evidence.edit));
        console.log(`  ${evidence.edit.state_reason}`);
        for (const e of evidence.trail) console.log(`  ${e.occurred_at}  ${e.type.padEnd(16)} ${e.actor_id}  ${"command" in e && e.command ? e.command : ""}`);
      }
      return 0;
    }
    const rows = await listDrift(store, { states, hosts: values.host ?? [], path: values.path ?? "", repo: values.repo ?? "", flagged_only: values.flagged === true, limit });
    if (values.json) console.log(JSON.stringify(rows, null, 2));
    else if (rows.length === 0) console.log("no drift rows match (run with --evaluate to run the drift job now)");
    else for (const r of rows) console.log(line(r));
    return 0;
  } finally {
    await store.close();
  }
}

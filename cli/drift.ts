import { loadConfig } from "../config/load";
import { acceptanceEvent, acceptInputSchema, DriftEditNotFoundError, DriftNotAcceptableError, locateAcceptableEdit } from "../drift/accept";
import { driftGate, GateCommitUnknownError, gateRequestSchema } from "../drift/gate";
import { gateExitCode, gateJson, gateMarkdown, gateText } from "../drift/gate-report";
import { DriftJob } from "../drift/job";
import { buildPatch, PatchUnavailableError } from "../drift/patch";
import { getDriftEdit, listDrift, type DriftRow } from "../drift/queries";
import { DRIFT_STATES, isDriftState } from "../drift/states";
import { unmanagedByPath } from "../drift/unmanaged";
import { createLogger } from "../lib/log";
import { insertEvents } from "../store/events";
import { migrate } from "../store/migrate";
import { openStore, type Store } from "../store/open";
import { CONFIG_OPTION, parseCommandArgs, UsageError } from "./usage";

export const DRIFT_USAGE = `usage: prodtrail drift [--state S]... [--host H]... [--path P] [--repo R] [--flagged] [--limit N] [--json] [--evaluate]
       prodtrail drift --unmanaged [--path P] [--host H]... [--limit N] [--offset N] [--json]
       prodtrail drift show CHANGE_EVENT_ID [--json]
       prodtrail drift accept CHANGE_EVENT_ID --ticket T --note N --by WHO
       prodtrail drift gate --repo R --commit C --env E [--hosts H,H…] [--json|--markdown] [--evaluate]
       prodtrail drift patch CHANGE_EVENT_ID [--repo-dir DIR] > fix.patch

Direct production edits and their state (${DRIFT_STATES.join(", ")}).
--flagged     only edits that need attention: pending, unreconciled, and lost
              hotfixes no commit holds. Not reverted (gone from the host),
              superseded (a later hand edit replaced it and reached the
              codebase) or accepted (someone decided, with a ticket).
--unmanaged   changes on paths no drift mapping covers, grouped by path (hosts,
              changes, last seen). They are never in the default list: no
              mapping means no verdict, listed apart.
--evaluate    runs the drift job once before listing.
accept        records an audited acceptance (ticket + note) of an edit that
              needs attention, by WHO (--by is required: the CLI has no sign-in,
              so it records who you say you are, marked self-declared); any
              other state is refused with exit 1.
gate          before a deploy: which pending or unreconciled direct edits on
              the target hosts the release of commit C (40-hex) would
              overwrite (content not in C), who made them and when. Exit 0:
              nothing to lose; 3: some — the moment the hotfix can still be
              saved (commit it or accept it); 1: error (commit not indexed);
              2: bad input. --json for pipelines, --markdown for a PR comment.
              With --hosts it first judges those hosts' changes (a hotfix made
              a minute ago counts); without, it reads the drift table as the
              job left it (every drift.interval_seconds) unless --evaluate.
patch         the edit's host content (kept by the files collector where the
              mapping says keep_content: true) as a unified diff against the
              repository file at the commit deployed before the edit, for
              'git apply' in the repository; notes go to stderr. --repo-dir: a
              clone to read the repository's version from when no copy was
              kept. Without what it needs it says why, exit 1.
The CLI opens the store directly, which only an operator of the store can:
embedded mode needs 'prodtrail serve' stopped, or CLICKHOUSE_URL.`;

const OPTIONS = {
  ...CONFIG_OPTION,
  state: { type: "string", multiple: true },
  host: { type: "string", multiple: true },
  hosts: { type: "string" },
  path: { type: "string" },
  repo: { type: "string" },
  commit: { type: "string" },
  env: { type: "string" },
  flagged: { type: "boolean" },
  unmanaged: { type: "boolean" },
  limit: { type: "string" },
  offset: { type: "string" },
  json: { type: "boolean" },
  markdown: { type: "boolean" },
  evaluate: { type: "boolean" },
  ticket: { type: "string" },
  note: { type: "string" },
  by: { type: "string" },
  "repo-dir": { type: "string" },
} as const;
export type DriftValues = ReturnType<typeof parseCommandArgs<typeof OPTIONS>>["values"];

const ACTIONS = ["show", "accept", "gate", "patch"] as const;

function age(seconds: number): string {
  if (seconds < 60) return `${Math.max(0, seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}

function line(r: DriftRow): string {
  const who = r.actor_id === "unknown" ? "unknown" : `${r.actor_id} (${r.attribution_method} ${r.attribution_confidence.toFixed(2)})`;
  const commit = r.matched_commit ? ` ${r.matched_commit.slice(0, 12)}` : "";
  return `${r.state.padEnd(16)} ${age(r.age_s).padStart(5)}  ${r.host.padEnd(16)} ${r.path}  ${who}${commit}  ${r.change_event_id}`;
}

function wholeNumber(text: string | undefined, fallback: number, name: string, max: number, min = 1): number {
  const n = text === undefined ? fallback : Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}`, DRIFT_USAGE);
  return n;
}

export async function runDriftCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, DRIFT_USAGE, true);
  if (values.help) {
    console.log(DRIFT_USAGE);
    return 0;
  }
  const [action, id] = positionals;
  if (action !== undefined && !(ACTIONS as readonly string[]).includes(action)) throw new UsageError(`unknown action '${action}' (expected ${ACTIONS.join(", ")})`, DRIFT_USAGE);
  const states = (values.state ?? []).map((s) => {
    if (!isDriftState(s)) throw new UsageError(`unknown state '${s}' (known: ${DRIFT_STATES.join(", ")})`, DRIFT_USAGE);
    return s;
  });
  const limit = wholeNumber(values.limit, 500, "limit", 10_000);
  const offset = wholeNumber(values.offset, 0, "offset", 1_000_000, 0);
  if ((action === "show" || action === "accept" || action === "patch") && !id) throw new UsageError(`${action} needs a CHANGE_EVENT_ID (see 'prodtrail drift')`, DRIFT_USAGE);
  if (action === "accept") {
    if (!values.ticket) throw new UsageError("--ticket is required (e.g. --ticket OPS-123)", DRIFT_USAGE);
    if (!values.note) throw new UsageError("--note is required: say why the edit stays", DRIFT_USAGE);
    if (!values.by) throw new UsageError("--by is required: say who accepts (e.g. --by alice@example.com); it is recorded with the acceptance", DRIFT_USAGE);
  }

  const gateRequest = action === "gate" ? parseGate(values) : undefined;
  const config = loadConfig({ path: values.config });
  const store = await openStore({ clickhouse: config.clickhouse, dataDir: config.data_dir });
  try {
    await migrate(store);
    if (values.evaluate) await new DriftJob(store, config.drift, createLogger("drift", "warn")).runOnce();
    if (gateRequest !== undefined) {
      if (!values.evaluate && gateRequest.hosts.length > 0) await new DriftJob(store, config.drift, createLogger("drift", "warn")).runOnce({ hosts: gateRequest.hosts });
      return await gate(store, gateRequest, values);
    }
    if (action === "accept" && id) return await accept(store, config, id, values);
    if (action === "patch" && id) return await patch(store, config, id, values["repo-dir"]);
    if (action === "show" && id) return await show(store, id, values.json === true);
    if (values.unmanaged) return await listUnmanaged(store, values, limit, offset);
    const rows = await listDrift(store, { states, hosts: values.host ?? [], path: values.path ?? "", repo: values.repo ?? "", needs_attention: values.flagged === true, managed_only: !states.includes("unmanaged"), limit });
    if (values.json) console.log(JSON.stringify(rows, null, 2));
    else if (rows.length === 0) console.log("no drift rows match (run with --evaluate to run the drift job now)");
    else for (const r of rows) console.log(line(r));
    if (!values.json && states.length === 0) {
      const { totalPaths } = await unmanagedByPath(store, { path: values.path ?? "", hosts: values.host ?? [], limit: 1 });
      if (totalPaths > 0) console.log(`\n${totalPaths} unmanaged paths (no drift mapping covers them) are listed apart: prodtrail drift --unmanaged`);
    }
    return 0;
  } finally {
    await store.close();
  }
}

async function accept(store: Store, config: ReturnType<typeof loadConfig>, id: string, values: DriftValues): Promise<number> {
  let where: { host: string; env: string; state: string };
  try {
    where = await locateAcceptableEdit(store, id);
  } catch (error) {
    if (!(error instanceof DriftEditNotFoundError || error instanceof DriftNotAcceptableError)) throw error;
    console.error(`prodtrail drift: ${error.message}`);
    return 1;
  }
  const parsed = acceptInputSchema.safeParse({ changeEventId: id, ticket: values.ticket, note: values.note, actorId: values.by, attributionMethod: "none", channel: "unknown", host: where.host, env: where.env });
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "), DRIFT_USAGE);
  const event = acceptanceEvent(parsed.data);
  await insertEvents(store, [event]);
  await new DriftJob(store, config.drift, createLogger("drift")).runOnce();
  const now = (await getDriftEdit(store, id))?.edit.state ?? "unknown";
  if (now !== "accepted") {
    console.error(`prodtrail drift: acceptance event ${event.event_id} recorded, but edit ${id} is ${now}, not accepted; see 'prodtrail drift show ${id}'`);
    return 1;
  }
  console.log(`accepted ${id} (was ${where.state}) by ${parsed.data.actorId} (self-declared); acceptance event ${event.event_id}`);
  return 0;
}

async function show(store: Store, id: string, json: boolean): Promise<number> {
  const evidence = await getDriftEdit(store, id);
  if (evidence === undefined) {
    console.error(`prodtrail drift: no direct edit with change event id ${id}`);
    return 1;
  }
  if (json) console.log(JSON.stringify(evidence, null, 2));
  else {
    console.log(line(evidence.edit));
    console.log(`  ${evidence.edit.state_reason}`);
    for (const e of evidence.trail) console.log(`  ${e.occurred_at}  ${e.type.padEnd(16)} ${e.actor_id}  ${"command" in e && e.command ? e.command : ""}`);
  }
  return 0;
}

async function listUnmanaged(store: Store, values: DriftValues, limit: number, offset: number): Promise<number> {
  const page = await unmanagedByPath(store, { path: values.path ?? "", hosts: values.host ?? [], limit: Math.min(limit, 1000), offset });
  if (values.json) console.log(JSON.stringify(page, null, 2));
  else if (page.groups.length === 0) console.log("no unmanaged changes match");
  else {
    console.log(`unmanaged: no drift mapping covers these paths (${page.totalPaths} paths; showing ${offset + 1}–${offset + page.groups.length})`);
    for (const g of page.groups) console.log(`${String(g.changes).padStart(7)} changes  ${String(g.hosts).padStart(5)} hosts  last ${g.last_seen}  ${g.path}  (${g.sample_hosts.join(", ")}${g.hosts > g.sample_hosts.length ? ", …" : ""})`);
  }
  return 0;
}

function parseGate(values: DriftValues) {
  if (values.json && values.markdown) throw new UsageError("--json and --markdown are exclusive: pick one report format", DRIFT_USAGE);
  const parsed = gateRequestSchema.safeParse({ repo: values.repo ?? "", commit: values.commit ?? "", env: values.env ?? "", hosts: (values.hosts ?? "").split(",").map((h) => h.trim()).filter((h) => h !== "") });
  if (!parsed.success) throw new UsageError(`gate: ${parsed.error.issues.map((i) => `--${i.path.join(".")}: ${i.message}`).join("; ")}`, DRIFT_USAGE);
  return parsed.data;
}

async function gate(store: Store, request: ReturnType<typeof parseGate>, values: DriftValues): Promise<number> {
  let report;
  try {
    report = await driftGate(store, request);
  } catch (error) {
    if (!(error instanceof GateCommitUnknownError)) throw error;
    console.error(`prodtrail drift gate: ${error.message}`);
    return 1;
  }
  console.log(values.json ? gateJson(report) : values.markdown ? gateMarkdown(report) : gateText(report));
  return gateExitCode(report);
}

async function patch(store: Store, config: ReturnType<typeof loadConfig>, id: string, repoDir: string | undefined): Promise<number> {
  try {
    const p = await buildPatch(store, config.drift.mappings, id, repoDir === undefined ? {} : { repoDir });
    process.stdout.write(p.diff);
    for (const note of p.notes) console.error(`prodtrail drift patch: ${note}`);
    return 0;
  } catch (error) {
    if (!(error instanceof PatchUnavailableError)) throw error;
    console.error(`prodtrail drift patch: ${error.message}`);
    return 1;
  }
}

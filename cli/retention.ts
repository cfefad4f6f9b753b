import type { z } from "zod";
import { loadConfig } from "../config/load";
import type { RetentionConfig } from "../config/retention";
import { addHold, HoldAlreadyReleasedError, HoldNotFoundError, holdInputSchema, listHolds, releaseHold, releaseInputSchema, type LegalHold } from "../store/legal-holds";
import { migrate } from "../store/migrate";
import { openStore, type Store } from "../store/open";
import { applyRetention, currentRetention, enforceRetentionNow, policyOf } from "../store/retention";
import { CONFIG_OPTION, parseCommandArgs, UsageError } from "./usage";

export const RETENTION_USAGE = `usage: prodtrail retention [show] [--json]
       prodtrail retention apply [--now] [--by WHO]
       prodtrail retention hold add (--actor A | --host H | --env E | --range) [--from YYYY-MM-DD --to YYYY-MM-DD] --reason R --by WHO
       prodtrail retention hold list [--all] [--json]
       prodtrail retention hold release HOLD_ID --reason R --by WHO

How long events are kept (prodtrail.yaml retention:, per category; applied
as ClickHouse TTLs on the events table, counted from when the store received
each event) and the legal holds that keep matching events past it.
show      the policy the store has now, the configured one, and active holds.
apply     makes the store's TTL match prodtrail.yaml (serve and migrate do
          this at start-up); audited. --now also deletes what has expired at
          once (a mutation over the whole table) instead of at the engine's
          next TTL merges.
hold add  keeps every event of an actor, host or env (optionally only those
          that occurred between --from and --to, whole days, UTC), or every
          event of a day range (--range), whatever the retention says, until
          released. Audited, with --reason and --by (the CLI has no sign-in:
          who you say you are is recorded as self-declared).
hold release  ends a hold; what it kept is subject to retention again.
The CLI opens the store directly: embedded mode needs 'prodtrail serve'
stopped, or CLICKHOUSE_URL.`;

const OPTIONS = {
  ...CONFIG_OPTION,
  json: { type: "boolean" },
  now: { type: "boolean" },
  all: { type: "boolean" },
  by: { type: "string" },
  reason: { type: "string" },
  actor: { type: "string" },
  host: { type: "string" },
  env: { type: "string" },
  range: { type: "boolean" },
  from: { type: "string" },
  to: { type: "string" },
} as const;

export interface RetentionDeps {
  store?: Store;
  retention?: RetentionConfig;
  print?: (line: string) => void;
}

const issues = (error: z.ZodError) => error.issues.map((i) => `${i.path.length > 0 ? `--${i.path.join(".")}: ` : ""}${i.message}`).join("; ");

export async function runRetentionCommand(argv: string[], deps: RetentionDeps = {}): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, RETENTION_USAGE, true);
  const print = deps.print ?? ((line: string) => console.log(line));
  if (values.help) {
    print(RETENTION_USAGE);
    return 0;
  }
  const [action = "show", sub, id] = positionals;
  if (!["show", "apply", "hold"].includes(action)) throw new UsageError(`unknown action '${action}' (expected show, apply or hold)`, RETENTION_USAGE);
  if (action === "hold" && !["add", "list", "release"].includes(sub ?? "")) throw new UsageError("hold needs add, list or release", RETENTION_USAGE);

  const config = deps.retention === undefined || deps.store === undefined ? loadConfig({ path: values.config }) : undefined;
  const retention = deps.retention ?? config?.retention;
  if (retention === undefined) throw new Error("no retention configuration");
  const hold = action === "hold" && sub === "add" ? parseHold(values) : undefined;
  const release = action === "hold" && sub === "release" ? parseRelease(id, values) : undefined;

  const store = deps.store ?? (config ? await openStore({ clickhouse: config.clickhouse, dataDir: config.data_dir }) : undefined);
  if (store === undefined) throw new Error("no store");
  try {
    if (deps.store === undefined) await migrate(store);
    if (action === "apply") {
      const result = await applyRetention(store, retention, values.by ?? "prodtrail retention apply");
      print(result.changed ? `retention applied: ${Object.entries(result.changes).map(([c, d]) => `${c} ${d}`).join("; ")}` : "retention unchanged: the store already has the configured policy");
      if (values.now) {
        await enforceRetentionNow(store);
        print("expired events no hold keeps are deleted");
      }
      return 0;
    }
    if (hold !== undefined) {
      const stored = await addHold(store, hold);
      print(`hold ${stored.hold_id} set: ${describeHold(stored)} (by ${stored.set_by}, self-declared)`);
      return 0;
    }
    if (release !== undefined) {
      try {
        const released = await releaseHold(store, release);
        print(`hold ${released.hold_id} released by ${release.releasedBy}: ${describeHold(released)} is subject to retention again`);
        return 0;
      } catch (error) {
        if (!(error instanceof HoldNotFoundError || error instanceof HoldAlreadyReleasedError)) throw error;
        console.error(`prodtrail retention: ${error.message}`);
        return 1;
      }
    }
    const holds = await listHolds(store, { includeReleased: action === "hold" && values.all === true });
    if (action === "hold") {
      if (values.json) print(JSON.stringify(holds, null, 2));
      else if (holds.length === 0) print("no legal holds");
      else for (const h of holds) print(`${h.hold_id}  ${describeHold(h)}  set ${h.set_at} by ${h.set_by}: ${h.reason}${h.released ? `  RELEASED ${h.released.at} by ${h.released.by}` : ""}`);
      return 0;
    }
    const now = await currentRetention(store);
    const configured = policyOf(retention);
    if (values.json) {
      print(JSON.stringify({ store: now, configured, holds }, null, 2));
      return 0;
    }
    print(`category   in the store   configured`);
    for (const c of Object.keys(configured) as Array<keyof typeof configured>) print(`${c.padEnd(10)} ${now.policy[c].padEnd(14)} ${configured[c]}${now.policy[c] === configured[c] ? "" : "   (differs: 'prodtrail retention apply')"}`);
    print(now.applied ? `applied ${now.applied.at} by ${now.applied.by}` : "never applied: every event is kept forever");
    print(holds.length === 0 ? "no active legal holds" : `${holds.length} active legal hold(s): 'prodtrail retention hold list'`);
    return 0;
  } finally {
    if (deps.store === undefined) await store.close();
  }
}

function describeHold(h: LegalHold): string {
  const what = h.scope === "range" ? "every event" : `${h.scope} ${h.value}`;
  return `${what}${h.from !== null ? ` from ${h.from} to ${h.to ?? ""}` : " without end"}`;
}

type Values = ReturnType<typeof parseCommandArgs<typeof OPTIONS>>["values"];

function parseHold(values: Values) {
  const scopes = (["actor", "host", "env"] as const).filter((s) => values[s] !== undefined);
  const count = scopes.length + (values.range ? 1 : 0);
  if (count !== 1) throw new UsageError("hold add takes exactly one of --actor, --host, --env or --range", RETENTION_USAGE);
  const scope = scopes[0] ?? "range";
  const parsed = holdInputSchema.safeParse({
    scope,
    value: scope === "range" ? "" : values[scope],
    from: values.from,
    to: values.to,
    reason: values.reason ?? "",
    setBy: values.by ?? "",
    attributionMethod: "none",
  });
  if (!parsed.success) throw new UsageError(`hold add: ${issues(parsed.error)}`, RETENTION_USAGE);
  return parsed.data;
}

function parseRelease(id: string | undefined, values: Values) {
  if (id === undefined) throw new UsageError("hold release needs a HOLD_ID (see 'prodtrail retention hold list')", RETENTION_USAGE);
  const parsed = releaseInputSchema.safeParse({ holdId: id, reason: values.reason ?? "", releasedBy: values.by ?? "", attributionMethod: "none" });
  if (!parsed.success) throw new UsageError(`hold release: ${issues(parsed.error)}`, RETENTION_USAGE);
  return parsed.data;
}

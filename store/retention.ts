import { z } from "zod";
import { RETENTION_CATEGORIES, type RetentionConfig } from "../config/retention";
import { serverActionRecord } from "../schemas";
import { heldCondition } from "./legal-holds";
import type { Store } from "./open";
import { defineQuery, insertRows, runCommand } from "./query";
import { insertEvents } from "./events";
import type { Tables } from "./tables";

/**
 * Retention on the engine (issue #15): prodtrail.yaml's `retention:` becomes
 * one TTL clause on `events`, a `DELETE WHERE` per category that excludes
 * every row an active legal hold matches (store/legal-holds.ts).
 *
 * The clock is received_at, the server's, not occurred_at: a collector
 * cannot get its own events deleted early by stamping them years old, and
 * a backlog imported late is kept its full retention from arrival.
 *
 * Applied at start-up (`serve`, `migrate`) and by `prodtrail retention
 * apply`: a policy equal to the last applied one changes nothing; a
 * different one is ALTERed in (existing parts are re-evaluated by the
 * engine: materialize_ttl_after_modify), recorded in retention_applied and
 * audited as a server record on `retention:policy`. Holds are part of every
 * clause, so no policy change can delete held rows.
 */
export interface RetentionPolicy {
  access: string;
  change: string;
  deploy: string;
  codebase: string;
  audit: string;
}

const UNIT_SQL = { s: "SECOND", m: "MINUTE", h: "HOUR", d: "DAY", w: "WEEK", y: "YEAR" } as const;

/** The policy as plain text per category ("400d", "forever"): what is compared and shown. */
export function policyOf(config: RetentionConfig): RetentionPolicy {
  const text = (c: (typeof RETENTION_CATEGORIES)[number]) => {
    const d = config[c];
    return d === "forever" ? "forever" : d.text;
  };
  return { access: text("access"), change: text("change"), deploy: text("deploy"), codebase: text("codebase"), audit: text("audit") };
}

/** The TTL clause for `events`, or null when every category is kept forever. */
export function retentionTtl(config: RetentionConfig, t: Tables): string | null {
  const held = heldCondition(t);
  const clauses = RETENTION_CATEGORIES.flatMap((category) => {
    const d = config[category];
    if (d === "forever") return [];
    return [`toDateTime(received_at) + INTERVAL ${d.amount} ${UNIT_SQL[d.unit]} DELETE WHERE category = '${category}' AND NOT (\n   ${held})`];
  });
  return clauses.length === 0 ? null : clauses.join(",\n");
}

const lastAppliedQuery = defineQuery({
  name: "retention.last_applied",
  params: z.object({}),
  row: z.object({ policy: z.string(), applied_at: z.string(), applied_by: z.string() }),
  sql: (t) => `SELECT policy, toString(applied_at) AS applied_at, applied_by FROM ${t.retention_applied} ORDER BY applied_at DESC LIMIT 1`,
});

const FOREVER: RetentionPolicy = { access: "forever", change: "forever", deploy: "forever", codebase: "forever", audit: "forever" };
const policySchema = z.object({ access: z.string(), change: z.string(), deploy: z.string(), codebase: z.string(), audit: z.string() });

export interface AppliedRetention {
  policy: RetentionPolicy;
  /** When and by whom it was applied; null: never (everything kept forever). */
  applied: { at: string; by: string } | null;
}

export async function currentRetention(store: Store): Promise<AppliedRetention> {
  const [row] = await lastAppliedQuery(store, {});
  if (row === undefined) return { policy: FOREVER, applied: null };
  return { policy: policySchema.parse(JSON.parse(row.policy)), applied: { at: new Date(`${row.applied_at.replace(" ", "T")}Z`).toISOString(), by: row.applied_by } };
}

export interface ApplyResult {
  changed: boolean;
  previous: RetentionPolicy;
  policy: RetentionPolicy;
  /** Category: "old → new", for every category that changed. */
  changes: Record<string, string>;
}

/**
 * Makes `events`' TTL match the configured policy. `by` names who applied
 * it (the process at start-up: "prodtrail serve", an operator on the CLI).
 */
export async function applyRetention(store: Store, config: RetentionConfig, by: string): Promise<ApplyResult> {
  const policy = policyOf(config);
  const { policy: previous } = await currentRetention(store);
  const changes = Object.fromEntries(
    RETENTION_CATEGORIES.filter((c) => previous[c] !== policy[c]).map((c) => [c, `${previous[c]} → ${policy[c]}`]),
  );
  if (Object.keys(changes).length === 0) return { changed: false, previous, policy, changes };
  const ttl = retentionTtl(config, store.tables);
  await runCommand(store, retentionAlterSql(store, ttl), ttl === null ? "retention.remove_ttl" : "retention.modify_ttl");
  await insertRows(store, { table: "retention_applied", rows: [{ policy: JSON.stringify(policy), ttl: ttl ?? "", applied_by: by }] });
  const summary = Object.entries(changes).map(([c, d]) => `${c} ${d}`).join("; ");
  await insertEvents(store, [
    serverActionRecord({
      kind: "retention.policy",
      idParts: [JSON.stringify(policy)],
      actorId: by,
      attributionMethod: "none",
      channel: "unknown",
      env: "prodtrail",
      host: "prodtrail",
      service: "prodtrail-retention",
      resource: "retention:policy",
      reason: `retention changed: ${summary}`,
      command: "retention apply",
    }),
  ]);
  return { changed: true, previous, policy, changes };
}

/**
 * The ALTER that sets (or removes) the TTL. In cluster mode the rows live
 * in `events_local` on every shard (store/cluster-ddl.ts): the TTL goes
 * there, ON CLUSTER; its hold subqueries read the Distributed hold tables,
 * so every shard sees every hold wherever its row was sharded.
 */
export function retentionAlterSql(store: Pick<Store, "tables" | "cluster">, ttl: string | null): string {
  const target = store.cluster ? `${store.tables.events}_local ON CLUSTER ${store.cluster}` : store.tables.events;
  return ttl === null ? `ALTER TABLE ${target} REMOVE TTL` : `ALTER TABLE ${target} MODIFY TTL\n${ttl}`;
}

/**
 * Deletes now what the policy says has expired and no hold keeps (a
 * mutation over every part of `events`: minutes on a large store). Without
 * it the engine does the same at its next TTL merges.
 */
export async function enforceRetentionNow(store: Store): Promise<void> {
  const target = store.cluster ? `${store.tables.events}_local ON CLUSTER ${store.cluster}` : store.tables.events;
  await runCommand(store, `ALTER TABLE ${target} MATERIALIZE TTL SETTINGS mutations_sync = 2`, "retention.materialize_ttl");
}

import { DemoGenerator } from "../../demo/generate";
import { parseEventOrThrow, type AuditEvent } from "../../schemas";
import { insertEvents } from "../../store/events";
import type { Store } from "../../store/open";

/**
 * Loading N events for the benchmark, in two stages, both stated in the output:
 *  1. demo: the demo fleet (DemoGenerator, seed 1) for `days` days ending at
 *     `now` — realistic mixes of channels, sessions, changes, deploys
 *     (about 4,100 events per fleet-day), through insertEvents;
 *  2. replicas: the same demo events again with a replica suffix on
 *     event_id, host, actor and session, i.e. a fleet and an organisation
 *     N/base times larger over the same days. `via: "insert"` (the default) sends them
 *     through insertEvents (the write path: 809 s for 10M on 2 cores);
 *     `via: "sql"` copies them inside the engine (INSERT … SELECT into
 *     `events`, then their `event_ids` rows, in insertEvents' order), which
 *     fires the same materialized views and takes a minute or two.
 */
export interface Loaded {
  demoEvents: number;
  replicatedEvents: number;
  total: number;
  seconds: number;
}

export type LoadVia = "insert" | "sql";

export async function loadEvents(store: Store, options: { target: number; days: number; now: Date; log: (msg: string) => void; via?: LoadVia }): Promise<Loaded> {
  const started = performance.now();
  const base: AuditEvent[] = [];
  const demo = new DemoGenerator({ seed: 1, now: options.now, backfillDays: options.days });
  for (const batch of demo.backfill()) {
    for (const e of batch.events) base.push(parseEventOrThrow(e));
    if (base.length >= options.target) break;
  }
  const demoEvents = Math.min(base.length, options.target);
  for (let i = 0; i < demoEvents; i += 5000) await insertEvents(store, base.slice(i, Math.min(demoEvents, i + 5000)));
  options.log(`demo: ${demoEvents} events over ${options.days} days`);
  const replicated = options.via === "sql" ? await replicateBySql(store, demoEvents, options) : await replicateByInsert(store, base, demoEvents, options);
  return { demoEvents, replicatedEvents: replicated, total: demoEvents + replicated, seconds: (performance.now() - started) / 1000 };
}

async function replicateByInsert(store: Store, base: AuditEvent[], demoEvents: number, options: { target: number; log: (msg: string) => void }): Promise<number> {
  let replicated = 0;
  for (let r = 1; demoEvents + replicated < options.target; r++) {
    const want = Math.min(base.length, options.target - demoEvents - replicated);
    const suffix = `-r${r}`;
    for (let i = 0; i < want; i += 5000) {
      const chunk = base.slice(i, Math.min(want, i + 5000)).map((e): AuditEvent => ({
        ...e,
        event_id: `${e.event_id}${suffix}`,
        host: e.host === "" ? e.host : `${e.host}${suffix}`,
        actor_id: `r${r}.${e.actor_id}`,
        ...(e.session_id ? { session_id: `${e.session_id}${suffix}` } : {}),
      }));
      await insertEvents(store, chunk);
    }
    replicated += want;
    options.log(`replicated: ${demoEvents + replicated} events`);
  }
  return replicated;
}

/** The same replicas as replicateByInsert, copied by the engine from a snapshot of the demo rows. */
async function replicateBySql(store: Store, demoEvents: number, options: { target: number; log: (msg: string) => void }): Promise<number> {
  const want = options.target - demoEvents;
  if (want <= 0) return 0;
  const { events, event_ids } = store.tables;
  const base = `${store.database}.bench_replica_base`;
  const run = (query: string) => store.client.command({ query, clickhouse_settings: { insert_deduplicate: 0 } });
  await run(`CREATE OR REPLACE TABLE ${base} ENGINE = Memory AS SELECT * FROM ${events}`);
  try {
    for (let r = 1; (r - 1) * demoEvents < want; r++) {
      const suffix = `-r${r}`;
      await run(`
        INSERT INTO ${events}
        SELECT * REPLACE (
          concat(event_id, '${suffix}') AS event_id,
          if(host = '', host, concat(host, '${suffix}')) AS host,
          concat('r${r}.', actor_id) AS actor_id,
          if(session_id = '', session_id, concat(session_id, '${suffix}')) AS session_id)
        FROM ${base}
        ORDER BY event_id
        LIMIT ${Math.min(demoEvents, want - (r - 1) * demoEvents)}`);
      if (r % 10 === 0) options.log(`replicated: ${demoEvents + Math.min(want, r * demoEvents)} events`);
    }
    // After the events rows, as insertEvents orders its writes (store/events.ts, layer 2).
    await run(`INSERT INTO ${event_ids} SELECT event_id, '' AS content_hash, env, occurred_at, ver FROM ${events} WHERE match(event_id, '-r[0-9]+$')`);
  } finally {
    await run(`DROP TABLE IF EXISTS ${base}`);
  }
  return want;
}

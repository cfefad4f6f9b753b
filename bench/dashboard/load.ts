import { DemoGenerator } from "../../demo/generate";
import { parseEventOrThrow, type AuditEvent } from "../../schemas";
import { insertEvents } from "../../store/events";
import type { Store } from "../../store/open";

/**
 * Loading N events for the benchmark, in two stages, both stated in the output:
 *  1. demo: the demo fleet (DemoGenerator, seed 1) for `days` days ending at
 *     `now` — realistic mixes of channels, sessions, changes, deploys
 *     (about 4,200 events per fleet-day);
 *  2. replicas: the same demo events inserted again through insertEvents
 *     with a replica suffix on event_id, host, actor and session, i.e. a
 *     fleet and an organisation N/base times larger over the same days (the
 *     materialized views fill events_daily for these inserts too).
 */
export interface Loaded {
  demoEvents: number;
  replicatedEvents: number;
  total: number;
  seconds: number;
}

export async function loadEvents(store: Store, options: { target: number; days: number; now: Date; log: (msg: string) => void }): Promise<Loaded> {
  const started = performance.now();
  const demo = new DemoGenerator({ seed: 1, now: options.now, backfillDays: options.days });
  let demoEvents = 0;
  for (const batch of demo.backfill()) {
    const events = batch.events.map((e) => parseEventOrThrow(e));
    for (let i = 0; i < events.length; i += 5000) await insertEvents(store, events.slice(i, i + 5000));
    demoEvents += events.length;
    if (demoEvents >= options.target) break;
  }
  options.log(`demo: ${demoEvents} events over ${options.days} days`);
  // Replicas go through insertEvents (the gateway's write path), not INSERT … SELECT: on the embedded
  // engine an INSERT … SELECT into `events` (the table with materialized views) inserted nothing and
  // raised no error — measured 0 of 9.9M rows; reported.
  const base: AuditEvent[] = [];
  const again = new DemoGenerator({ seed: 1, now: options.now, backfillDays: options.days });
  for (const batch of again.backfill()) for (const e of batch.events) base.push(parseEventOrThrow(e));
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
  return { demoEvents, replicatedEvents: replicated, total: demoEvents + replicated, seconds: (performance.now() - started) / 1000 };
}

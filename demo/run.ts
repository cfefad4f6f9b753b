import type { Logger } from "../lib/log";
import { DemoGenerator, type DemoEvent, type DemoTruth } from "./generate";
import { postEvents, sleep } from "./post";
import { DemoSigners, type DemoSigningOptions } from "./signing";

/**
 * The demo fleet against a gateway: a backfill of `backfillDays` posted
 * oldest first, one simulated day at a time, then live — the same
 * simulation continuing, released at `liveEventsPerMinute`.
 *
 * Live time: the simulated organisation makes about 3,500 events a day
 * (~2.5/min), far below a lively dashboard's default 120/min, so live
 * events are released in simulation order at the configured rate and
 * stamped with the anchor plus the wall-clock time elapsed since live
 * began. Order (and so every drift outcome) is the simulation's; spacing
 * is the rate's. Event ids stay the simulation's deterministic ids.
 */
export interface DemoOptions {
  gatewayUrl: string;
  seed: number;
  backfillDays: number;
  liveEventsPerMinute: number;
  log: Logger;
  signal?: AbortSignal;
  now?: Date;
  /** Sign every event as its host's collector, keys registered with the gateway (demo/signing.ts). Absent: unsigned. */
  signing?: Omit<DemoSigningOptions, "gatewayUrl" | "log">;
}

export interface DemoHandle {
  backfill: Promise<{ events: number }>;
  stop(): Promise<void>;
  /** Settles when live generation ends: stopped, or given up after a posting error (logged). */
  finished: Promise<void>;
  /** Ground truth of everything generated so far (see demo/generate/truth.ts). */
  truth(): DemoTruth;
}

/** A live post every 2 s: at 120/min that is 4 events per request. */
const LIVE_TICK_MS = 2000;
/** Simulated time generated at once when the live queue runs dry. */
const LIVE_CHUNK_MS = 3600_000;

/** Where generated events go: the gateway (startDemo) or, for `prodtrail demo --stdout`, standard output. */
export type Publish = (events: readonly DemoEvent[], signal: AbortSignal) => Promise<void>;

export function startDemo(options: DemoOptions): DemoHandle {
  const post = (events: readonly unknown[], signal: AbortSignal) => postEvents(events, { gatewayUrl: options.gatewayUrl, log: options.log, signal });
  if (options.signing === undefined) return runDemo(options, post);
  const signers = new DemoSigners({ ...options.signing, gatewayUrl: options.gatewayUrl, log: options.log });
  const handle = runDemo(options, signers.wrap(post));
  // The backfill counts as posted once its collectors' keys are registered too: then `prodtrail verify` can check all of it.
  return { ...handle, backfill: handle.backfill.then(async (done) => (await signers.registered(), done)) };
}

export function runDemo(options: DemoOptions, publish: Publish): DemoHandle {
  const { log } = options;
  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", onAbort, { once: true });
  if (options.signal?.aborted) controller.abort(options.signal.reason);
  const signal = controller.signal;
  const anchor = options.now ?? new Date();
  const generator = new DemoGenerator({ seed: options.seed, now: anchor, backfillDays: options.backfillDays });

  let events = 0;
  const backfill = (async () => {
    let days = 0;
    for (const batch of generator.backfill()) {
      if (signal.aborted) break;
      await publish(batch.events, signal);
      events += batch.events.length;
      days += 1;
      log.info({ day: batch.from.slice(0, 10), events: batch.events.length, total: events, days }, "demo backfill day posted");
    }
    log.info({ events, days, seed: options.seed }, signal.aborted ? "demo backfill stopped" : "demo backfill done");
    return { events };
  })().catch((error: unknown) => {
    // Stopped mid-backfill: what was acknowledged so far, not an error.
    if (signal.aborted) return { events };
    throw error;
  });

  const live = backfill.then(async () => {
    if (options.liveEventsPerMinute <= 0 || signal.aborted) return;
    await runLive(generator, anchor.getTime(), options, signal, publish);
  });
  // A live failure is logged, not left as an unhandled rejection; the backfill's own promise carries backfill errors.
  const liveDone = live.catch((error: unknown) => {
    if (!signal.aborted) log.error({ err: error }, "demo live posting stopped on error");
  });

  return {
    backfill,
    finished: liveDone,
    truth: () => generator.truth(),
    async stop() {
      controller.abort(new Error("demo stopped"));
      options.signal?.removeEventListener("abort", onAbort);
      await liveDone;
    },
  };
}

async function runLive(generator: DemoGenerator, anchor: number, options: DemoOptions, signal: AbortSignal, publish: Publish): Promise<void> {
  const started = Date.now();
  const queue: DemoEvent[] = [];
  let simCursor = generator.now;
  let credit = 0;
  let posted = 0;
  options.log.info({ rate_per_min: options.liveEventsPerMinute }, "demo live started");
  while (!signal.aborted) {
    await sleep(LIVE_TICK_MS, signal).catch(() => undefined);
    if (signal.aborted) break;
    credit += (options.liveEventsPerMinute * LIVE_TICK_MS) / 60_000;
    const due = Math.floor(credit);
    if (due === 0) continue;
    credit -= due;
    while (queue.length < due) {
      simCursor += LIVE_CHUNK_MS;
      queue.push(...generator.advance(simCursor).events);
    }
    const stamp = anchor + (Date.now() - started);
    const out = queue.splice(0, due).map((event, i) => ({ ...event, occurred_at: new Date(stamp + i).toISOString() }));
    await publish(out, signal);
    posted += out.length;
    if (posted % 600 < out.length) options.log.info({ posted, sim_time: new Date(simCursor).toISOString() }, "demo live progress");
  }
}

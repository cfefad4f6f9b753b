import type { Logger } from "pino";
import type { Config } from "../config/schema";
import type { Store } from "../store/open";
import { z } from "zod";
import { countEventsQuery } from "../store/events";
import { defineQuery } from "../store/query";
import { rm } from "node:fs/promises";
import { createEnrolment } from "../ingest/auth/enrolment";

export type DemoWhen = "always" | "if-empty" | "off";

export interface RunningDemo {
  /** Settles when the backfill has been posted (and so answered 200 by the gateway). */
  backfill: Promise<{ events: number }>;
  stop(): Promise<void>;
}

/** --demo-if-empty looks at the whole events table: any real or demo event means "not empty". */
export async function storeIsEmpty(store: Store): Promise<boolean> {
  const [row] = await countEventsQuery(store, {});
  return (row?.events ?? 0) === 0;
}

const demoEventQuery = defineQuery({
  name: "demo.any_event",
  params: z.object({}),
  row: z.object({ found: z.coerce.number() }),
  sql: (t) => `SELECT count() AS found FROM (SELECT 1 FROM ${t.events} WHERE labels['demo'] = 'true' LIMIT 1)`,
});

/** Whether the store holds demo events (a restart of a demo store keeps the demo's drift mappings). */
export async function storeHasDemoData(store: Store): Promise<boolean> {
  const [row] = await demoEventQuery(store, {});
  return (row?.found ?? 0) > 0;
}

/**
 * Starts the demo fleet in this process, posting through the gateway at
 * `gatewayUrl` like any collector (never into tables directly). The module
 * is imported only when a demo runs, so serve without it loads none of it.
 *
 * Each demo host signs as its own collector (demo/signing.ts) with keys and
 * chains under `stateDir`. The enrolment tokens it presents are issued here,
 * as `prodtrail collectors enroll` would issue them (this process is the
 * server, so it is the admin): 10 minutes, one use each. An empty store
 * starts every chain afresh: chains kept from a store since emptied would
 * begin mid-stream, and their keys are no longer registered.
 */
export async function startDemoFleet(options: { gatewayUrl: string; config: Config["demo"]; log: Logger; store: Store; stateDir: string }): Promise<RunningDemo> {
  const { startDemo } = await import("../demo/run");
  const abort = new AbortController();
  const log = options.log;
  if (await storeIsEmpty(options.store)) await rm(options.stateDir, { recursive: true, force: true });
  const demo = startDemo({
    gatewayUrl: options.gatewayUrl,
    seed: options.config.seed,
    backfillDays: options.config.backfill_days,
    liveEventsPerMinute: options.config.live_events_per_minute,
    log,
    signal: abort.signal,
    signing: {
      stateDir: options.stateDir,
      enrol: async (collectorId) => (await createEnrolment(options.store, { collectorId, createdBy: "demo", ttlMs: 600_000 })).token,
    },
  });
  const started = performance.now();
  demo.backfill.then(
    ({ events }) => log.info({ events, ms: Math.round(performance.now() - started) }, "demo: backfill posted"),
    (error: unknown) => {
      if (!abort.signal.aborted) log.error({ err: error }, "demo: backfill failed");
    },
  );
  return {
    backfill: demo.backfill,
    async stop() {
      abort.abort();
      await demo.stop();
    },
  };
}

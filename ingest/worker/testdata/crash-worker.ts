/**
 * Fixture of crash.test.ts: an ingest worker in its own process, with its
 * own embedded store (one process per data dir), that SIGKILLs itself at a
 * chosen point of the pipeline. Configured by environment:
 *   KAFKA_BROKERS, TOPIC, GROUP_ID, DLQ_TOPIC, DATA_DIR   where to read and write
 *   CRASH_AT=fetched|inserted, CRASH_ON=<n>               die at the n-th such point
 *   CRASH_AT=inserting                                    print "STAGE inserting" and pause 0 ms: the parent kills
 *   IDS_OUT=<file>                                        on SIGTERM: stop, then write {event_id: copies} there
 * Prints "READY" once consuming and "STAGE <name>" at each hook.
 */
import { writeFileSync, writeSync } from "node:fs";
import { z } from "zod";
import { clickhouseConfigSchema } from "../../../config/schema";
import { createLogger } from "../../../lib/log";
import { migrate } from "../../../store/migrate";
import { openStore } from "../../../store/open";
import { defineQuery } from "../../../store/query";
import { parseBrokerList } from "../../kafka";
import { startIngestWorker } from "../worker";

const env = z
  .object({
    KAFKA_BROKERS: z.string(),
    TOPIC: z.string(),
    GROUP_ID: z.string(),
    DLQ_TOPIC: z.string(),
    DATA_DIR: z.string(),
    CRASH_AT: z.enum(["fetched", "inserting", "inserted", "none"]).default("none"),
    CRASH_ON: z.coerce.number().int().min(1).default(1),
    IDS_OUT: z.string().optional(),
  })
  .parse(process.env);

const say = (line: string) => writeSync(1, `${line}\n`);
let seen = 0;
const stage = (name: "fetched" | "inserting" | "inserted") => {
  say(`STAGE ${name}`);
  if (env.CRASH_AT !== name || name === "inserting") return;
  seen += 1;
  if (seen === env.CRASH_ON) process.kill(process.pid, "SIGKILL");
};

const store = await openStore({ clickhouse: clickhouseConfigSchema.parse({ database: "crash" }), dataDir: env.DATA_DIR });
await migrate(store);
const worker = await startIngestWorker({
  kafka: { brokers: parseBrokerList(env.KAFKA_BROKERS), clientId: "crash-worker", logger: createLogger("crash-worker", "silent") },
  store,
  topic: env.TOPIC,
  groupId: env.GROUP_ID,
  dlqTopic: env.DLQ_TOPIC,
  flushRows: 250,
  flushMs: 100,
  partitionsConcurrently: 2,
  maxBytesPerPartition: 64 * 1024,
  sessionTimeoutMs: 6_000,
  heartbeatIntervalMs: 500,
  logger: createLogger("crash-worker", process.env.PRODTRAIL_LOG_LEVEL ?? "silent"),
  hooks: {
    fetched: () => stage("fetched"),
    inserting: () => stage("inserting"),
    inserted: () => stage("inserted"),
  },
});
say("READY");

const ids = defineQuery({
  name: "crash.ids",
  params: z.object({}),
  row: z.object({ event_id: z.string(), copies: z.coerce.number() }),
  sql: (t) => `SELECT event_id, count() AS copies FROM ${t.events} GROUP BY event_id`,
});

process.once("SIGTERM", () => {
  void (async () => {
    await worker.stop();
    if (env.IDS_OUT) writeFileSync(env.IDS_OUT, JSON.stringify(Object.fromEntries((await ids(store, {})).map((r) => [r.event_id, r.copies]))));
    await store.close();
    process.exit(0);
  })();
});

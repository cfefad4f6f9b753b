/**
 * The collector half of bench/ingest/run.ts, in a process of its own as on
 * a real server (in one process with the worker it competed for the event
 * loop: 200k events shipped at ≈3.5k/s instead of ≈10–14k/s alone).
 * Reads the benchmark's events (canonical JSON lines) from EVENTS_FILE,
 * prints "START", appends them to a fresh spool while shipping them to
 * TOPIC on KAFKA_BROKERS, prints "SHIPPED" once Kafka acknowledged all.
 */
import { readFileSync, writeSync } from "node:fs";
import { z } from "zod";
import { FsyncPolicySchema } from "../../collect/spool/config";
import { parseBrokerList } from "../../ingest/kafka";
import { createLogger } from "../../lib/log";
import { parseEventOrThrow } from "../../schemas";
import { shipThroughSpool } from "../../test/pipeline/pipeline";

const env = z.object({ KAFKA_BROKERS: z.string(), TOPIC: z.string(), EVENTS_FILE: z.string(), FSYNC: FsyncPolicySchema }).parse(process.env);
const events = readFileSync(env.EVENTS_FILE, "utf8")
  .split("\n")
  .filter((line) => line !== "")
  .map((line) => parseEventOrThrow(JSON.parse(line)));
const say = (line: string) => writeSync(1, `${line}\n`);
const logger = createLogger("bench-collector", process.env.PRODTRAIL_LOG_LEVEL ?? "silent");

say("START");
await shipThroughSpool({
  connection: { brokers: parseBrokerList(env.KAFKA_BROKERS), clientId: "bench-collector", logger },
  topic: env.TOPIC,
  events,
  fsync: env.FSYNC,
  timeoutMs: 1_800_000,
});
say("SHIPPED");
process.exit(0);

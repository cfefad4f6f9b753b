/**
 * Fixture of collector-crash.test.ts: the collector's shipping half in a
 * process of its own — a spool (filled by the test beforehand) shipped by
 * createShipper to KafkaSink — that the test SIGKILLs mid-send.
 * Configured by environment:
 *   KAFKA_BROKERS, TOPIC, SPOOL_DIR          where to read and send
 *   CRASH_AT=sending, CRASH_ON=<n>           print "STAGE sending" as the n-th publish starts (the test kills then)
 *   CRASH_AT=published, CRASH_ON=<n>         after Kafka acknowledged the n-th publish, print "STAGE published"
 *                                            and never return, so the spool is never acked (the test kills then)
 * Prints "READY" once shipping and "DRAINED" once every spooled record is acked; exits 0 on SIGTERM.
 */
import { writeSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { KafkaSink } from "../../../collect/sinks/kafka-sink";
import { createShipper } from "../../../collect/spool/shipper";
import { openSpool } from "../../../collect/spool/spool";
import { parseBrokerList } from "../../../ingest/kafka";
import { createLogger } from "../../../lib/log";
import { parseEventOrThrow, type AuditEvent } from "../../../schemas";

const env = z
  .object({
    KAFKA_BROKERS: z.string(),
    TOPIC: z.string(),
    SPOOL_DIR: z.string(),
    CRASH_AT: z.enum(["sending", "published", "none"]).default("none"),
    CRASH_ON: z.coerce.number().int().min(1).default(1),
  })
  .parse(process.env);

const say = (line: string) => writeSync(1, `${line}\n`);
const log = createLogger("crash-collector", process.env.PRODTRAIL_LOG_LEVEL ?? "silent");
const spool = await openSpool({ dir: env.SPOOL_DIR }, { log });
const sink = new KafkaSink({ connection: { brokers: parseBrokerList(env.KAFKA_BROKERS), clientId: "crash-collector", logger: log }, topic: env.TOPIC });
let publishes = 0;
const shipper = createShipper<AuditEvent>({
  spool,
  decode: (payload) => parseEventOrThrow(JSON.parse(payload.toString("utf8"))),
  maxBatchRecords: 500,
  log,
  async publish(events) {
    publishes += 1;
    const crashing = publishes === env.CRASH_ON;
    if (crashing && env.CRASH_AT === "sending") say("STAGE sending");
    await sink.publish(events);
    if (crashing && env.CRASH_AT === "published") {
      say("STAGE published");
      await new Promise<never>(() => undefined);
    }
  },
});
const loop = shipper.start();
say("READY");

process.once("SIGTERM", () => {
  void (async () => {
    await shipper.stop(5_000);
    await loop.catch(() => undefined);
    await sink.close();
    await spool.close();
    process.exit(0);
  })();
});

while (spool.stats().ackedSeq < spool.stats().nextSeq) await sleep(50);
say("DRAINED");

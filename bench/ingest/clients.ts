/**
 * Kafka clients side by side, before choosing one for ingest/kafka (issue
 * #13 item 2: "kafkajs is in maintenance; measure before switching"). In one
 * run, rounds alternating so a shared machine's load hits every client:
 *   producer   N events, 2,000 per send (the collector's shipper batch),
 *              idempotent, acks=-1, gzip, key = event_id, two headers
 *   consumer   a new group reading the whole topic, connect and join included
 * kafkajs is measured through ingest/kafka (the settings production uses);
 * @platformatic/kafka is measured when it is installed (it is not a
 * dependency): `npm install --no-save @platformatic/kafka@1.35.0` (its 2.x
 * needs Node ≥ 22), or PLATFORMATIC_KAFKA=<path to its dist/index.js> for a
 * copy installed elsewhere (leaves this checkout's node_modules alone). @confluentinc/kafka-javascript is not measured: its
 * install script downloads the librdkafka binary from GitHub releases, not
 * from the npm registry, so it does not install here.
 * Usage: npx tsx bench/ingest/clients.ts [--events 50000] [--rounds 3]
 */
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { z } from "zod";
import { connectAdmin, createReliableProducer, parseBrokerList, type KafkaConnection } from "../../ingest/kafka";
import { createLogger } from "../../lib/log";
import { canonicalJson } from "../../schemas";
import { makeEvents } from "../../test/factories/events";
import { startBroker, type LocalBroker } from "../../test/kafka/broker";
import { printBenchLine, type BenchRow } from "../lib/report";
import { noopConsumer } from "./phases";

const { values } = parseArgs({ options: { events: { type: "string", default: "50000" }, rounds: { type: "string", default: "3" } } });
const args = z.object({ events: z.coerce.number().int().positive(), rounds: z.coerce.number().int().positive() }).parse(values);
const SEND_BATCH = 2_000;

/** The part of @platformatic/kafka 1.x this bench calls. */
interface Platformatic {
  Producer: new (opts: object) => { send(req: { messages: object[] }): Promise<unknown>; close(): Promise<void> };
  Consumer: new (opts: object) => {
    consume(req: object): Promise<{ on(event: "data", fn: () => void): unknown; close(): Promise<void> }>;
    close(force?: boolean): Promise<void>;
  };
  stringSerializers: object;
}

function isPlatformatic(mod: unknown): mod is Platformatic {
  return (
    typeof mod === "object" &&
    mod !== null &&
    typeof Reflect.get(mod, "Producer") === "function" &&
    typeof Reflect.get(mod, "Consumer") === "function" &&
    typeof Reflect.get(mod, "stringSerializers") === "object"
  );
}

async function loadPlatformatic(): Promise<Platformatic | undefined> {
  // A variable specifier: the package is optional, so the type checker must not resolve it.
  const name = process.env.PLATFORMATIC_KAFKA ?? "@platformatic/kafka";
  try {
    const mod: unknown = await import(name);
    return isPlatformatic(mod) ? mod : undefined;
  } catch {
    return undefined;
  }
}

const log = createLogger("bench-clients", process.env.PRODTRAIL_LOG_LEVEL ?? "silent");
const external = process.env.KAFKA_BROKERS;
const broker: LocalBroker | undefined = external ? undefined : await startBroker({ numPartitions: 1 });
const brokers = broker?.brokers ?? parseBrokerList(external ?? "");
const conn: KafkaConnection = { brokers, clientId: "bench-clients", logger: log };
const topic = `bench-clients-${randomBytes(4).toString("hex")}`;
const events = makeEvents(args.events).map((e, i) => ({ ...e, host: `host-${i % 211}` }));
const messages = events.map((e) => ({ key: e.event_id, value: canonicalJson(e), headers: { schema_version: "1", collector_id: "bench" } }));
const platformatic = await loadPlatformatic();

/** kafkajs through ingest/kafka's reliable producer (KafkaSink's settings), the same serialised messages. */
async function kafkajsProducer(): Promise<number> {
  const producer = createReliableProducer(conn);
  try {
    const start = performance.now();
    for (let i = 0; i < messages.length; i += SEND_BATCH) await producer.send(topic, messages.slice(i, i + SEND_BATCH));
    return (performance.now() - start) / 1000;
  } finally {
    await producer.close();
  }
}

async function platformaticProducer(p: Platformatic): Promise<number> {
  const producer = new p.Producer({ clientId: "bench-clients-p", bootstrapBrokers: brokers, serializers: p.stringSerializers, idempotent: true, acks: -1, compression: "gzip" });
  try {
    const start = performance.now();
    for (let i = 0; i < messages.length; i += SEND_BATCH) await producer.send({ messages: messages.slice(i, i + SEND_BATCH).map((m) => ({ topic, ...m })) });
    return (performance.now() - start) / 1000;
  } finally {
    await producer.close();
  }
}

/** No commits (the kafkajs baseline commits each batch): the comparison favours this one. */
async function platformaticConsumer(p: Platformatic, total: number): Promise<number> {
  const start = performance.now();
  const consumer = new p.Consumer({ groupId: `bench-clients-${randomBytes(4).toString("hex")}`, clientId: "bench-clients-c", bootstrapBrokers: brokers, maxBytesPerPartition: 4 * 1024 * 1024 });
  try {
    const stream = await consumer.consume({ topics: [topic], mode: "earliest", autocommit: false, maxWaitTime: 1_000 });
    let seen = 0;
    await new Promise<void>((resolve) => stream.on("data", () => ++seen >= total && resolve()));
    const seconds = (performance.now() - start) / 1000;
    await stream.close();
    return seconds;
  } finally {
    await consumer.close(true);
  }
}

const best = (xs: readonly number[]) => Math.min(...xs);
const rate = (n: number, s: number) => Math.round(n / s);
try {
  const admin = await connectAdmin(conn);
  await admin.ensureTopic({ topic, partitions: 4 });
  await admin.close();
  console.log(`Kafka clients: ${args.events.toLocaleString("en")} events × ${args.rounds} round(s), topic of 4 partitions; @platformatic/kafka ${platformatic ? "installed" : "not installed (npm install --no-save @platformatic/kafka@1.35.0 to include it)"}`);

  const produced: Record<string, number[]> = { kafkajs: [], platformatic: [] };
  for (let r = 0; r < args.rounds; r++) {
    produced.kafkajs?.push(await kafkajsProducer());
    if (platformatic) produced.platformatic?.push(await platformaticProducer(platformatic));
  }
  const total = args.events * args.rounds * (platformatic ? 2 : 1);
  const consumed: Record<string, number[]> = { kafkajs: [], platformatic: [] };
  for (let r = 0; r < args.rounds; r++) {
    consumed.kafkajs?.push(await noopConsumer(conn, topic));
    if (platformatic) consumed.platformatic?.push(await platformaticConsumer(platformatic, total));
  }

  const rows: BenchRow[] = [];
  const kjsProduce = best(produced.kafkajs ?? []);
  const kjsConsume = best(consumed.kafkajs ?? []);
  console.log("client          producer events/s   consumer events/s   (best of the rounds; ratio to kafkajs)");
  console.log(`kafkajs         ${String(rate(args.events, kjsProduce)).padStart(17)}   ${String(rate(total, kjsConsume)).padStart(17)}`);
  rows.push({ figure: "kafkajs producer", value: rate(args.events, kjsProduce), unit: "events/s" }, { figure: "kafkajs no-op consumer", value: rate(total, kjsConsume), unit: "events/s" });
  if (platformatic) {
    const pp = best(produced.platformatic ?? []);
    const pc = best(consumed.platformatic ?? []);
    console.log(
      `@platformatic   ${String(rate(args.events, pp)).padStart(17)}   ${String(rate(total, pc)).padStart(17)}   (${(kjsProduce / pp).toFixed(2)}x, ${(kjsConsume / pc).toFixed(2)}x)`,
    );
    rows.push(
      { figure: "@platformatic/kafka producer", value: rate(args.events, pp), unit: "events/s", baseline: "kafkajs producer", ratio: Math.round((kjsProduce / pp) * 100) / 100 },
      { figure: "@platformatic/kafka no-op consumer", value: rate(total, pc), unit: "events/s", baseline: "kafkajs no-op consumer", ratio: Math.round((kjsConsume / pc) * 100) / 100 },
    );
  }
  printBenchLine("kafka-clients", rows);
} finally {
  if (external) {
    const admin = await connectAdmin(conn);
    await admin.deleteTopics([topic]).catch(() => undefined);
    await admin.close();
  }
  await broker?.stop();
}
// kafkajs and the other client keep sockets open; the run is over.
process.exit(0);

import { hostname } from "node:os";
import { z } from "zod";
import type { Logger } from "../../lib/log";
import { kafkaClient, type KafkaConnection } from "./client";
import { toTransportError } from "./errors";

/**
 * Once per round across many workers, with what scale mode already runs:
 * every worker joins one consumer group on a single-partition topic, and
 * Kafka gives partition 0 to exactly one live member: the runner. When it
 * leaves or its session times out, the group rebalances and another member
 * is assigned the partition. Leadership is dropped the moment a rebalance
 * starts, before anyone else can be assigned it.
 *
 * Rounds are recorded on the same topic: after a round's work resolved, the
 * runner produces `{ job, round, … }` (acks from every in-sync replica). A new
 * owner reads the partition up to its end before it leads, so it knows the
 * last finished round and runs the next one; a round its predecessor died in
 * was never recorded, so the new owner runs that round again (the jobs are
 * idempotent: deterministic ids, versioned rows). A member that lost the
 * partition while its round ran does not record it: its successor owns the
 * numbering from then on.
 */
export const roundRecordSchema = z.object({
  job: z.string(),
  round: z.number().int().positive(),
  runner: z.string(),
  started_at: z.iso.datetime(),
  finished_at: z.iso.datetime(),
});
export type RoundRecord = z.infer<typeof roundRecordSchema>;

export interface SingleRunnerOptions {
  connection: KafkaConnection;
  /** One partition (created here if missing; `prodtrail migrate` creates it too, ingest/topics.ts). */
  topic: string;
  groupId: string;
  /** Names the rounds on the topic; one topic may carry several jobs. */
  job: string;
  log: Logger;
  /** Who runs (logged and recorded); default host:pid. */
  runner?: string;
  /** A runner that died is replaced after this long (Kafka's group session timeout). Default 30 s. */
  sessionTimeoutMs?: number;
  /** Replicas of the topic (kafka.topics.replication_factor): a lost broker must not stop the rounds. */
  replicationFactor?: number;
}

export type RoundOutcome<T> = { ran: false } | { ran: true; round: number; recorded: boolean; value: T };

export interface SingleRunner {
  /** Resolves once this member has joined the group (leader or not). */
  readonly joined: Promise<void>;
  /** Holds partition 0 and has read every recorded round. */
  isLeader(): boolean;
  /** The last round recorded on the topic, as this member last read it. */
  lastRound(): RoundRecord | undefined;
  /** Runs the next round if this member leads; records it once `work` resolved. */
  runRound<T>(work: (round: number) => Promise<T>): Promise<RoundOutcome<T>>;
  stop(): Promise<void>;
}

/**
 * Retention of coordination topics: only the last record matters, and a new
 * owner reads the partition from its start, so 7 days of rounds (20,160 at
 * the 30 s integrity interval, under a second to read) bounds that read.
 */
export const COORDINATION_TOPIC_CONFIGS = { "retention.ms": String(7 * 24 * 3_600_000) } as const;

export async function startSingleRunner(o: SingleRunnerOptions): Promise<SingleRunner> {
  const runner = o.runner ?? `${hostname()}:${process.pid}`;
  const kafka = kafkaClient(o.connection);
  const admin = kafka.admin();
  try {
    await admin.connect();
    const existing = await admin.listTopics();
    if (!existing.includes(o.topic)) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: [{ topic: o.topic, numPartitions: 1, replicationFactor: o.replicationFactor ?? 1, configEntries: Object.entries(COORDINATION_TOPIC_CONFIGS).map(([name, value]) => ({ name, value })) }],
      });
    }
  } catch (err) {
    await admin.disconnect().catch(() => undefined);
    throw toTransportError("single-runner.ensureTopic", err);
  }
  const sessionTimeout = o.sessionTimeoutMs ?? 30_000;
  const consumer = kafka.consumer({
    groupId: o.groupId,
    sessionTimeout,
    heartbeatInterval: Math.min(3_000, Math.floor(sessionTimeout / 3)),
    allowAutoTopicCreation: false,
  });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });

  // generation: bumped on every join and rebalance, so a round that started
  // under one assignment is never recorded under the next.
  let generation = 0;
  let assigned = false;
  let caughtUp = false;
  let readUpTo = -1n;
  let catchUpTarget = -1n;
  let last: RoundRecord | undefined;
  let stopped = false;
  let rebalancing = false;
  let markJoined: () => void = () => {};
  const joined = new Promise<void>((resolve) => (markJoined = resolve));

  const lose = (why: string) => {
    if (assigned) o.log.info({ job: o.job, why }, "single-runner: no longer the runner");
    generation += 1;
    assigned = false;
    caughtUp = false;
  };
  const checkCaughtUp = () => {
    if (assigned && !caughtUp && catchUpTarget >= 0n && readUpTo >= catchUpTarget) {
      caughtUp = true;
      o.log.info({ job: o.job, last_round: last?.round ?? 0 }, "single-runner: this member runs the rounds");
    }
  };

  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    generation += 1;
    rebalancing = false;
    const mine = generation;
    assigned = (e.payload.memberAssignment[o.topic] ?? []).includes(0);
    caughtUp = false;
    catchUpTarget = -1n;
    markJoined();
    if (!assigned) return;
    void admin
      .fetchTopicOffsets(o.topic)
      .then((offsets) => {
        if (mine !== generation) return;
        const p = offsets.find((x) => x.partition === 0);
        const high = BigInt(p?.high ?? "0");
        const low = BigInt(p?.low ?? "0");
        // Nothing retained: no round to resume from; otherwise read up to the last record.
        catchUpTarget = high > low ? high - 1n : 0n;
        if (high <= low) readUpTo = 0n;
        checkCaughtUp();
      })
      .catch((err: unknown) => {
        o.log.error({ err, job: o.job }, "single-runner: cannot read the coordination topic's end; not running rounds until the next rebalance");
      });
  });
  consumer.on(consumer.events.REBALANCING, () => {
    lose("rebalance");
    rebalancing = true;
  });
  consumer.on(consumer.events.CRASH, (e) => {
    rebalancing = false;
    lose("consumer crashed");
    o.log.error({ err: e.payload.error, job: o.job }, "single-runner: coordination consumer crashed");
  });
  consumer.on(consumer.events.STOP, () => {
    rebalancing = false;
    lose("stopped");
  });

  try {
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topics: [o.topic], fromBeginning: true });
    // Offsets are never committed: every new owner reads the (short) partition from its start.
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message }) => {
        readUpTo = BigInt(message.offset);
        const parsed = parseRecord(message.value);
        if (parsed?.job === o.job && (last === undefined || parsed.round >= last.round)) last = parsed;
        checkCaughtUp();
      },
    });
  } catch (err) {
    await Promise.all([consumer.disconnect(), producer.disconnect(), admin.disconnect()].map((p) => p.catch(() => undefined)));
    throw toTransportError("single-runner.start", err);
  }

  const isLeader = () => !stopped && assigned && caughtUp;
  /**
   * A round is recorded by a member that held the partition throughout, or
   * that holds it again after a rebalance (another member joined or left)
   * and, having read the topic to its end, finds no other runner recorded
   * this round meanwhile. Waits up to a session timeout for that read.
   */
  const mayRecord = async (startedUnder: number, round: number): Promise<boolean> => {
    if (generation === startedUnder && isLeader()) return true;
    for (let waited = 0; !isLeader() && (assigned || rebalancing) && waited < sessionTimeout; waited += 100) await new Promise((r) => setTimeout(r, 100));
    return isLeader() && (last?.round ?? 0) < round;
  };
  return {
    joined,
    isLeader,
    lastRound: () => last,
    async runRound<T>(work: (round: number) => Promise<T>): Promise<RoundOutcome<T>> {
      if (!isLeader()) return { ran: false };
      const startedUnder = generation;
      const round = (last?.round ?? 0) + 1;
      const startedAt = new Date().toISOString();
      const value = await work(round);
      if (!(await mayRecord(startedUnder, round))) {
        o.log.warn({ job: o.job, round }, "single-runner: lost the partition during the round; the next runner repeats it");
        return { ran: true, round, recorded: false, value };
      }
      const record: RoundRecord = { job: o.job, round, runner, started_at: startedAt, finished_at: new Date().toISOString() };
      try {
        await producer.send({ topic: o.topic, acks: -1, messages: [{ key: o.job, value: JSON.stringify(record) }] });
      } catch (err) {
        throw toTransportError("single-runner.record", err);
      }
      if (last === undefined || round > last.round) last = record;
      return { ran: true, round, recorded: true, value };
    },
    async stop() {
      stopped = true;
      await consumer.disconnect().catch(() => undefined);
      await Promise.all([producer.disconnect(), admin.disconnect()].map((p) => p.catch(() => undefined)));
    },
  };
}

function parseRecord(value: Buffer | null): RoundRecord | undefined {
  if (value === null) return undefined;
  try {
    const result = roundRecordSchema.safeParse(JSON.parse(value.toString("utf8")));
    return result.success ? result.data : undefined;
  } catch {
    // Not JSON: someone else's message on the topic; it names no round.
    return undefined;
  }
}

/**
 * A round every `intervalMs` across the group: each member checks often
 * (every quarter interval, at most 1 s), the runner starts a round once the
 * last recorded one finished `intervalMs` ago, so a new owner resumes at once
 * when its predecessor's round is overdue. A failed round is logged and
 * retried at the next check; it never stops the process.
 */
export function everyRound<T>(runner: SingleRunner, intervalMs: number, work: (round: number) => Promise<T>, log: Logger, job: string): { stop(): Promise<void> } {
  let running: Promise<unknown> | null = null;
  const due = () => {
    const last = runner.lastRound();
    return last === undefined || Date.now() - Date.parse(last.finished_at) >= intervalMs;
  };
  const check = () => {
    if (running !== null || !runner.isLeader() || !due()) return;
    running = runner
      .runRound(work)
      .catch((err: unknown) => log.error({ err, job }, "single-runner: round failed; retrying at the next check"))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(check, Math.max(50, Math.min(1_000, Math.floor(intervalMs / 4))));
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

import { setTimeout as sleep } from "node:timers/promises";
import type { AuditEvent } from "../../schemas";
import type { Store } from "../../store/open";
import { clockSkewConfigSchema, type ClockSkewConfig } from "../../config/integrity";
import { createLogger, type Logger } from "../../lib/log";
import {
  connectGroupConsumer,
  createReliableProducer,
  type GroupConsumer,
  type KafkaConnection,
  type PartitionBatch,
  type ReliableProducer,
} from "../kafka";
import { TOPICS } from "../topics";
import { InsertBatcher, type Refusal } from "./batcher";
import { createStoreWrite } from "./store-write";
import { classify, type Outcome } from "./classify";
import { insertDeadLetters, toDlqMessage, type DeadLetter } from "./dead-letters";
import { createIngestMetrics, type IngestMetrics } from "./metrics";
import { CommitChain } from "./commit-chain";

/** Messages validated between two yields to the event loop (≈ 12 ms of JSON + zod at 25 µs each). */
const CLASSIFY_SLICE = 500;
const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export interface IngestWorkerOptions {
  kafka: KafkaConnection;
  store: Store;
  groupId?: string;
  topic?: string;
  dlqTopic?: string;
  /** Events per store insert at most. */
  flushRows?: number;
  /** Longest a valid event waits for more rows before its insert starts. */
  flushMs?: number;
  /** Larger message values are dead-lettered as `oversized`. */
  maxMessageBytes?: number;
  /** Partition batches handled at once (their rows share inserts). */
  partitionsConcurrently?: number;
  /** Per-partition fetch size; bigger fetches make bigger inserts. */
  maxBytesPerPartition?: number;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** Backoff between retries of a failed store insert or DLQ write. */
  retryInitialMs?: number;
  retryMaxMs?: number;
  /** stop() waits this long for batches in progress, then abandons them (they are redelivered). */
  shutdownTimeoutMs?: number;
  metrics?: IngestMetrics;
  logger?: Logger;
  /** When an event's time is far enough from its arrival to be flagged (config integrity.clock_skew). */
  clockSkew?: ClockSkewConfig;
  /**
   * Instrumentation at the points where a crash matters; the SIGKILL tests
   * (crash.test.ts) kill the process inside these. Called synchronously.
   */
  hooks?: {
    fetched?(partition: number, messages: number): void;
    inserting?(rows: number): void;
    /** The insert was acknowledged; the offsets are not committed yet. */
    inserted?(rows: number): void;
  };
}

export interface IngestWorker {
  readonly metrics: IngestMetrics;
  /** true from start until stop() or a crash the consumer does not restart from. */
  isRunning(): boolean;
  /** Stop intake, let batches in progress insert and commit (up to the deadline), leave the group. */
  stop(): Promise<void>;
}

/**
 * `prodtrail ingest`: Kafka → validate → ClickHouse, committing offsets only
 * for messages that ended as an acknowledged insert, a dead letter (DLQ topic
 * AND dead_letters row) or a deliberate drop. Delivery is at-least-once: a
 * crash between insert and commit redelivers the batch, and the store's
 * first-write path (id index, content-derived insert_deduplication_token,
 * ReplacingMergeTree(ver)) keeps every query counting each event once and
 * the first stored version of each (store/events.ts). Events the store
 * refuses for good (a conflicting copy, a row the engine cannot take) are
 * dead letters too, so one event never holds its partition.
 */
export async function startIngestWorker(opts: IngestWorkerOptions): Promise<IngestWorker> {
  const log = opts.logger ?? createLogger("ingest");
  const metrics = opts.metrics ?? createIngestMetrics();
  const topic = opts.topic ?? TOPICS.events;
  const dlqTopic = opts.dlqTopic ?? TOPICS.deadLetters;
  const maxMessageBytes = opts.maxMessageBytes ?? 1024 * 1024;
  const retryInitialMs = opts.retryInitialMs ?? 200;
  const retryMaxMs = opts.retryMaxMs ?? 10_000;
  const heartbeatIntervalMs = opts.heartbeatIntervalMs ?? 3_000;
  let running = true;
  /** Set when the shutdown deadline passed: retry loops give up, nothing more is committed. */
  let abandoned = false;

  /** Retry `fn` with capped exponential backoff until it succeeds or the worker is abandoned. */
  async function retrying<T>(what: string, fn: () => Promise<T>, onFail?: (err: unknown) => void): Promise<T> {
    for (let attempt = 0, delay = retryInitialMs; ; attempt++, delay = Math.min(delay * 2, retryMaxMs)) {
      try {
        return await fn();
      } catch (err) {
        onFail?.(err);
        if (abandoned) throw err;
        log.error({ err, attempt, retryInMs: delay }, `${what} failed; retrying (offsets stay uncommitted)`);
        await sleep(delay);
      }
    }
  }

  const storeWrite = createStoreWrite({ store: opts.store, clockSkew: opts.clockSkew ?? clockSkewConfigSchema.parse({}), log });
  const insert = async (events: AuditEvent[]): Promise<Array<Refusal | undefined>> => {
    const verdicts = await retrying(
      "store insert",
      async () => {
        const end = metrics.insertSeconds.startTimer();
        opts.hooks?.inserting?.(events.length);
        const result = await storeWrite(events);
        end();
        opts.hooks?.inserted?.(events.length);
        metrics.storeUp.set(1);
        return result;
      },
      () => {
        metrics.storeFailures.inc();
        metrics.storeUp.set(0);
      },
    );
    metrics.inserted.inc(verdicts.filter((v) => v === undefined).length);
    metrics.flushRows.observe(events.length);
    return verdicts;
  };
  const batcher = new InsertBatcher(insert, { flushRows: opts.flushRows ?? 10_000, flushMs: opts.flushMs ?? 1_000 });

  const dlqProducer: ReliableProducer = createReliableProducer(opts.kafka, { sendTimeoutMs: 30_000 });
  const writeDeadLetters = async (letters: DeadLetter[]): Promise<void> => {
    if (letters.length === 0) return;
    const failedAt = new Date().toISOString();
    // Both copies, then commit: if either write fails the offsets are not committed.
    await retrying("dead-letter write", async () => {
      await Promise.all([
        dlqProducer.send(
          dlqTopic,
          letters.map((d) => toDlqMessage(d, failedAt)),
        ),
        insertDeadLetters(opts.store, letters),
      ]);
    });
    for (const d of letters) {
      metrics.deadLettered.inc({ reason: d.reason });
      log.warn({ topic: d.message.topic, partition: d.message.partition, offset: d.message.offset, reason: d.reason, detail: d.detail }, "dead-lettered");
    }
  };

  /** Insert the valid events and dead-letter the rest; resolves once both are durable (then the batch may commit). */
  const storeBatch = async (events: AuditEvent[], eventMessages: PartitionBatch["messages"], letters: DeadLetter[]): Promise<void> => {
    const [refused] = await Promise.all([batcher.add(events), writeDeadLetters(letters)]);
    // Refused by the store for good: dead letters too, before the commit.
    await writeDeadLetters(
      [...refused].flatMap(([position, r]) => {
        const message = eventMessages[position];
        return message ? [{ message, reason: r.reason, detail: r.detail }] : [];
      }),
    );
  };

  const commits = new CommitChain(
    async (batch, next) => {
      await batch.commit(next);
      metrics.committed.inc();
      metrics.lag.set({ topic: batch.topic, partition: String(batch.partition) }, Number(BigInt(batch.highWatermark) - BigInt(next)));
      log.debug({ partition: batch.partition, next }, "committed");
    },
    () => !abandoned,
    log,
  );
  /** Set by stop(): batches fetched from now on are left to the next owner (not resolved, not stored). */
  let draining = false;

  const handleBatch = async (batch: PartitionBatch): Promise<void> => {
    const last = batch.messages.at(-1);
    if (last === undefined || draining || !batch.isRunning() || batch.isStale()) return;
    const endBatch = metrics.batchSeconds.startTimer();
    metrics.consumed.inc({ topic: batch.topic }, batch.messages.length);
    opts.hooks?.fetched?.(batch.partition, batch.messages.length);
    // Long waits (a store outage, a big backlog fetch) must not cost the group membership.
    const beat = setInterval(() => void batch.heartbeat().catch(() => undefined), heartbeatIntervalMs);
    try {
      const events: AuditEvent[] = [];
      const eventMessages: PartitionBatch["messages"] = [];
      const letters: DeadLetter[] = [];
      for (let i = 0; i < batch.messages.length; i++) {
        // A backlog fetch holds ~50k messages per partition (4 MiB gzip): validating them in
        // one go blocked the loop ~20 s on a loaded machine, past the session timeout, and the
        // group rebalanced before any commit, again and again. Yield so heartbeats and the
        // insert in progress get their turn.
        if (i > 0 && i % CLASSIFY_SLICE === 0) await yieldToLoop();
        const m = batch.messages[i];
        if (m === undefined) continue;
        const o: Outcome = classify(m, maxMessageBytes);
        if (o.kind === "ok") {
          events.push(o.event);
          eventMessages.push(o.message);
        } else if (o.kind === "dead") letters.push(o);
        else metrics.dropped.inc({ reason: o.reason });
      }
      // stop() came while validating: leave the batch to the next owner (nothing resolved).
      if (draining || batch.rebalancedSince()) return;
      batcher.enter();
      const work = storeBatch(events, eventMessages, letters);
      // This handler adds no more rows: the batcher need not wait for it.
      batcher.leave();
      void work.then(() => endBatch(), () => undefined);
      // Moves only the fetch position: the next fetch of this partition runs while
      // `work` inserts. The offset is committed by `commits`, after the insert.
      batch.resolveOffset(last.offset);
      await commits.add(batch, work);
    } finally {
      clearInterval(beat);
    }
  };

  const consumer: GroupConsumer = await connectGroupConsumer(opts.kafka, {
    groupId: opts.groupId ?? "prodtrail-ingest",
    topics: [topic],
    fromBeginning: true,
    sessionTimeoutMs: opts.sessionTimeoutMs ?? 30_000,
    heartbeatIntervalMs,
    maxBytesPerPartition: opts.maxBytesPerPartition ?? 4 * 1024 * 1024,
    onCrash: (err) => {
      running = false;
      log.fatal({ err }, "kafka consumer crashed and will not restart");
    },
  });
  await consumer.run(handleBatch, { partitionsConcurrently: opts.partitionsConcurrently ?? 4 });
  log.info({ topic, groupId: opts.groupId ?? "prodtrail-ingest" }, "ingest worker running");

  let stopping: Promise<void> | undefined;
  return {
    metrics,
    isRunning: () => running,
    stop() {
      stopping ??= (async () => {
        running = false;
        const deadline = opts.shutdownTimeoutMs ?? 30_000;
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), deadline)));
        // Stop intake, let what was fetched insert and commit while the consumer
        // still runs (kafkajs drops commits once stopped), then stop it.
        draining = true;
        try {
          consumer.pause();
        } catch (err) {
          log.warn({ err }, "pausing intake failed (the consumer is not running); stopping it");
        }
        const finished = (async () => {
          await commits.drain();
          await consumer.stop();
          await commits.drain();
          return "stopped" as const;
        })();
        const result = await Promise.race([finished, timedOut]);
        clearTimeout(timer);
        if (result === "timeout") {
          abandoned = true;
          log.warn({ deadlineMs: deadline, batches: commits.inFlight }, "shutdown deadline passed; abandoning batches in progress (they will be redelivered)");
          await consumer.stop().catch(() => undefined);
        }
        await consumer.close().catch((err: unknown) => log.warn({ err }, "leaving the group failed"));
        await dlqProducer.close().catch(() => undefined);
        log.info("ingest worker stopped");
      })();
      return stopping;
    },
  };
}

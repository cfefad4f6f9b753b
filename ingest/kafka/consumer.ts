import type { Consumer, EachBatchPayload, IHeaders } from "kafkajs";
import { kafkaClient, type KafkaConnection } from "./client";
import { toTransportError } from "./errors";

export interface IncomingMessage {
  topic: string;
  partition: number;
  /** Kafka offsets are 64-bit: kept as decimal strings, converted on purpose. */
  offset: string;
  key: Buffer | null;
  /** The original bytes (a dead letter keeps them unchanged). */
  value: Buffer | null;
  headers: Record<string, string>;
  /** Broker/producer timestamp, ms since epoch, as a string. */
  timestamp: string;
}

/** One fetched batch of one partition, with the controls eachBatch needs. */
export interface PartitionBatch {
  topic: string;
  partition: number;
  messages: IncomingMessage[];
  /** Next offset after the partition's last message, as of this fetch. */
  highWatermark: string;
  /** Mark messages up to and including `offset` processed (no commit). */
  resolveOffset(offset: string): void;
  /** Commit `nextOffset` (last processed + 1) for this partition to the group. */
  commit(nextOffset: string): Promise<void>;
  /** Keep group membership alive during long work (kafkajs throttles to heartbeatInterval). */
  heartbeat(): Promise<void>;
  /** false once stop() was called: finish or abandon the batch quickly. */
  isRunning(): boolean;
  /** true after a rebalance moved or reset this partition: do not commit, drop the rest. */
  isStale(): boolean;
  /**
   * true once the group rebalanced after this batch was fetched. A batch
   * still being stored after its handler returned (the worker's pipeline)
   * must not commit then: the partition may be another member's, and its
   * new owner starts again from the last commit.
   */
  rebalancedSince(): boolean;
  /** Which of this consumer's group generations (joins, counted from 1) fetched the batch. */
  generation: number;
  /** Stop fetching this partition until the returned function is called. */
  pause(): () => void;
}

export interface GroupConsumerOptions {
  groupId: string;
  topics: readonly string[];
  /** Where a group without committed offsets starts. Default: the beginning (an audit trail reads all). */
  fromBeginning?: boolean;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** Upper bound of one partition's fetch, bytes (kafkajs default 1 MiB). */
  maxBytesPerPartition?: number;
  /** How long the broker holds a fetch waiting for data (kafkajs default 5 s). */
  maxWaitTimeMs?: number;
  /** Called when the consumer stopped on an error it will not restart from. */
  onCrash?: (err: Error) => void;
}

export interface GroupConsumer {
  /** Starts fetching; `handle` is called per partition batch, one partition at a time per partition. */
  run(handle: (batch: PartitionBatch) => Promise<void>, opts?: { partitionsConcurrently?: number }): Promise<void>;
  /** Stop fetching every subscribed topic (batches in progress go on; commits still work). */
  pause(): void;
  /** Stops fetching and waits for the batches in progress; does not leave the group. */
  stop(): Promise<void>;
  /** stop() and leave the group (its partitions move to the others at once). */
  close(): Promise<void>;
}

function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (v === undefined) continue;
    const first = Array.isArray(v) ? v[0] : v;
    if (first !== undefined) out[k] = first.toString();
  }
  return out;
}

export async function connectGroupConsumer(conn: KafkaConnection, opts: GroupConsumerOptions): Promise<GroupConsumer> {
  const consumer: Consumer = kafkaClient(conn).consumer({
    groupId: opts.groupId,
    sessionTimeout: opts.sessionTimeoutMs ?? 30_000,
    heartbeatInterval: opts.heartbeatIntervalMs ?? 3_000,
    maxBytesPerPartition: opts.maxBytesPerPartition ?? 1024 * 1024,
    maxWaitTimeInMs: opts.maxWaitTimeMs ?? 1_000,
    allowAutoTopicCreation: false,
  });
  // Each join is a new generation; a batch remembers the one it was fetched in.
  let generation = 0;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    generation += 1;
  });
  consumer.on(consumer.events.CRASH, (e) => {
    if (!e.payload.restart) opts.onCrash?.(e.payload.error);
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [...opts.topics], fromBeginning: opts.fromBeginning ?? true });
  } catch (err) {
    await consumer.disconnect().catch(() => undefined);
    throw toTransportError("consumer.connect", err);
  }

  return {
    async run(handle, runOpts = {}) {
      await consumer.run({
        // The pipeline decides what is done: nothing is resolved or committed behind its back.
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: runOpts.partitionsConcurrently ?? 1,
        eachBatch: async (p: EachBatchPayload) => {
          const { batch } = p;
          const fetchedIn = generation;
          await handle({
            topic: batch.topic,
            partition: batch.partition,
            highWatermark: batch.highWatermark,
            messages: batch.messages.map((m) => ({
              topic: batch.topic,
              partition: batch.partition,
              offset: m.offset,
              key: m.key ?? null,
              value: m.value ?? null,
              headers: headersToStrings(m.headers),
              timestamp: m.timestamp,
            })),
            resolveOffset: (offset) => p.resolveOffset(offset),
            commit: async (nextOffset) => {
              try {
                await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: nextOffset }]);
              } catch (err) {
                throw toTransportError("commitOffsets", err);
              }
            },
            heartbeat: () => p.heartbeat(),
            isRunning: () => p.isRunning(),
            isStale: () => p.isStale(),
            rebalancedSince: () => generation !== fetchedIn,
            generation: fetchedIn,
            pause: () => p.pause(),
          });
        },
      });
    },
    pause: () => consumer.pause(opts.topics.map((topic) => ({ topic }))),
    stop: () => consumer.stop(),
    close: () => consumer.disconnect(),
  };
}

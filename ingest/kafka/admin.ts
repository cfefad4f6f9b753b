import type { Admin } from "kafkajs";
import { kafkaClient, type KafkaConnection } from "./client";
import { toTransportError } from "./errors";

export interface TopicSpec {
  topic: string;
  partitions: number;
  replicationFactor?: number;
  /** Topic-level configs, e.g. { "retention.ms": "604800000" }. */
  configs?: Readonly<Record<string, string>>;
}

/** The cluster operations prodtrail needs: topics, offsets, group positions. */
export interface KafkaAdmin {
  listTopics(): Promise<string[]>;
  /** Creates the topic if missing; resolves once every partition has a leader. */
  ensureTopic(spec: TopicSpec): Promise<void>;
  deleteTopics(topics: readonly string[]): Promise<void>;
  /** Next offset to be written, per partition ("high watermark"). */
  endOffsets(topic: string): Promise<Map<number, bigint>>;
  /** Committed positions of a consumer group; partitions without a commit are absent. */
  committedOffsets(groupId: string, topic: string): Promise<Map<number, bigint>>;
  /** Resolves once the group coordinator answers (it is created lazily on first use). */
  waitForGroupCoordinator(groupId: string): Promise<void>;
  close(): Promise<void>;
}

export async function connectAdmin(conn: KafkaConnection): Promise<KafkaAdmin> {
  const admin: Admin = kafkaClient(conn).admin();
  try {
    await admin.connect();
  } catch (err) {
    throw toTransportError("admin.connect", err);
  }
  const wrap =
    <A extends unknown[], R>(op: string, fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await fn(...args);
      } catch (err) {
        throw toTransportError(op, err);
      }
    };
  return {
    listTopics: wrap("listTopics", () => admin.listTopics()),
    ensureTopic: wrap("createTopic", async (spec: TopicSpec) => {
      await admin.createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic: spec.topic,
            numPartitions: spec.partitions,
            replicationFactor: spec.replicationFactor ?? 1,
            configEntries: Object.entries(spec.configs ?? {}).map(([name, value]) => ({ name, value })),
          },
        ],
      });
    }),
    deleteTopics: wrap("deleteTopics", async (topics: readonly string[]) => {
      await admin.deleteTopics({ topics: [...topics] });
    }),
    endOffsets: wrap("endOffsets", async (topic: string) => {
      const rows = await admin.fetchTopicOffsets(topic);
      return new Map(rows.map((r) => [r.partition, BigInt(r.high)]));
    }),
    committedOffsets: wrap("committedOffsets", async (groupId: string, topic: string) => {
      const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const out = new Map<number, bigint>();
      // kafkajs reports "-1" for partitions the group never committed.
      for (const p of entry?.partitions ?? []) if (p.offset !== "-1") out.set(p.partition, BigInt(p.offset));
      return out;
    }),
    waitForGroupCoordinator: wrap("describeGroups", async (groupId: string) => {
      await admin.describeGroups([groupId]);
    }),
    close: () => admin.disconnect(),
  };
}

import type { Config } from "../config/schema";
import type { IngestHealth } from "../ingest/gateway/health";
import { connectAdmin, type KafkaAdmin } from "../ingest/kafka/admin";
import { kafkaConnection } from "../ingest/kafka/from-config";
import { TOPICS } from "../ingest/topics";
import type { Logger } from "../lib/log";

/**
 * Scale mode: the ingest consumer group's lag on the events topic (high
 * watermark minus committed offset, summed over partitions) for
 * /api/health. Two admin requests per check, at most one check per 15 s;
 * a partition the group never committed counts from 0 (all of it waits).
 * The admin connection opens on first use and is closed with serve.
 */
export function kafkaLagReader(config: Config, log: Logger, ttlMs = 15_000): { read: () => Promise<IngestHealth["kafka_lag"]>; close: () => Promise<void> } {
  let admin: Promise<KafkaAdmin> | undefined;
  let cached: { at: number; value: IngestHealth["kafka_lag"] } | undefined;
  const group = config.ingest.group_id;
  const topic = TOPICS.events;
  return {
    async read() {
      if (cached !== undefined && Date.now() - cached.at < ttlMs) return cached.value;
      let value: IngestHealth["kafka_lag"];
      try {
        admin ??= connectAdmin(kafkaConnection(config.kafka, "health", log));
        const a = await admin;
        const [ends, committed] = await Promise.all([a.endOffsets(topic), a.committedOffsets(group, topic)]);
        let messages = 0n;
        for (const [partition, end] of ends) messages += end - (committed.get(partition) ?? 0n);
        value = { group, topic, messages: Number(messages) };
      } catch (error) {
        admin = undefined;
        value = { error: `kafka lag unknown: ${error instanceof Error ? error.message : String(error)}` };
      }
      cached = { at: Date.now(), value };
      return value;
    },
    async close() {
      const a = await admin?.catch(() => undefined);
      await a?.close().catch(() => undefined);
    },
  };
}

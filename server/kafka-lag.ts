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
export function kafkaLagReader(
  config: Pick<Config, "kafka" | "ingest">,
  log: Logger,
  options: { ttlMs?: number; topic?: string; group?: string; timeoutMs?: number } = {},
): { read: () => Promise<IngestHealth["kafka_lag"]>; close: () => Promise<void> } {
  let admin: Promise<KafkaAdmin> | undefined;
  let cached: { at: number; value: IngestHealth["kafka_lag"] } | undefined;
  const group = options.group ?? config.ingest.group_id;
  const topic = options.topic ?? TOPICS.events;
  const ttlMs = options.ttlMs ?? 15_000;
  // 3 s: a health probe waits on this; Kafka that slow to answer two metadata requests is itself the news.
  const timeoutMs = options.timeoutMs ?? 3000;
  return {
    async read() {
      if (cached !== undefined && Date.now() - cached.at < ttlMs) return cached.value;
      let value: IngestHealth["kafka_lag"];
      try {
        admin ??= connectAdmin(kafkaConnection(config.kafka, "health", log));
        const connecting = admin;
        const [ends, committed] = await withTimeout(
          connecting.then((a) => Promise.all([a.endOffsets(topic), a.committedOffsets(group, topic)])),
          timeoutMs,
        );
        let messages = 0n;
        for (const [partition, end] of ends) messages += end - (committed.get(partition) ?? 0n);
        value = { group, topic, messages: Number(messages) };
      } catch (error) {
        // Reconnect next time; a connection that did open is closed, not leaked.
        const failed = admin;
        admin = undefined;
        void failed?.then((a) => a.close()).catch(() => undefined);
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

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

import type { KafkaConfig } from "../../config/schema";
import type { Logger } from "../../lib/log";
import { COORDINATED_JOBS, TOPICS } from "../topics";
import { COORDINATION_TOPIC_CONFIGS } from "./single-runner";
import { connectAdmin } from "./admin";
import type { KafkaConnection } from "./client";

/** The one place config.kafka becomes a connection, so TLS and SASL reach every client. */
export function kafkaConnection(kafka: KafkaConfig, clientIdSuffix: string, logger?: Logger): KafkaConnection {
  return {
    brokers: kafka.brokers,
    clientId: `${kafka.client_id}-${clientIdSuffix}`,
    ssl: kafka.ssl,
    ...(kafka.sasl ? { sasl: kafka.sasl } : {}),
    ...(logger ? { logger } : {}),
  };
}

/**
 * Creates prodtrail's topics if missing (broker auto-creation stays off, so a
 * typo in a topic name fails instead of creating an empty topic). The dead
 * letter topic keeps messages 4× longer: someone has to look at them.
 */
export async function ensureTopics(kafka: KafkaConfig, logger?: Logger): Promise<string[]> {
  const admin = await connectAdmin(kafkaConnection(kafka, "migrate", logger));
  try {
    const retention = kafka.topics.retention_hours * 3_600_000;
    const specs = [
      { topic: TOPICS.events, retentionMs: retention },
      { topic: TOPICS.deadLetters, retentionMs: retention * 4 },
    ];
    for (const spec of specs) {
      await admin.ensureTopic({
        topic: spec.topic,
        partitions: kafka.topics.partitions,
        replicationFactor: kafka.topics.replication_factor,
        configs: { "retention.ms": String(spec.retentionMs), "min.insync.replicas": String(Math.min(2, kafka.topics.replication_factor)) },
      });
    }
    // Electing the runner of a job's rounds needs exactly one partition, whatever topics.partitions says.
    const coordination = Object.values(COORDINATED_JOBS).map((j) => j.topic);
    for (const topic of coordination) await admin.ensureTopic({ topic, partitions: 1, replicationFactor: kafka.topics.replication_factor, configs: COORDINATION_TOPIC_CONFIGS });
    return [...specs.map((s) => s.topic), ...coordination];
  } finally {
    await admin.close();
  }
}

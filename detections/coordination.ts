import { kafkaClient } from "../ingest/kafka/client";
import { connectAdmin, type KafkaConnection } from "../ingest/kafka";
import type { Logger } from "../lib/log";
import { TOPICS } from "../ingest/topics";
import type { Coordinator } from "./scheduler";

/**
 * Once per round across many ingest workers, with what scale mode already
 * runs: every worker joins one consumer group on a single-partition topic,
 * and Kafka gives partition 0 to exactly one live member. That member runs
 * the rounds; when it leaves or its session times out (30 s), the group
 * rebalances and another takes over. Leadership is dropped the moment a
 * rebalance starts, before anyone else can be assigned the partition. A
 * round that overlaps a takeover still writes each finding once: the
 * fingerprint is the finding's id.
 */
export const COORDINATION_TOPIC = TOPICS.detectionsCoordination;
export const COORDINATION_GROUP = "prodtrail-detections";

export interface KafkaCoordinatorOptions {
  connection: KafkaConnection;
  topic?: string;
  groupId?: string;
  log: Logger;
  sessionTimeoutMs?: number;
  /** Replicas of the coordination topic (kafka.topics.replication_factor): a lost broker must not stop the rounds. */
  replicationFactor?: number;
}

export interface KafkaCoordinator extends Coordinator {
  /** Resolves once this member has joined and knows whether it leads. */
  joined: Promise<void>;
}

export async function startKafkaCoordinator(o: KafkaCoordinatorOptions): Promise<KafkaCoordinator> {
  const topic = o.topic ?? COORDINATION_TOPIC;
  const admin = await connectAdmin(o.connection);
  try {
    await admin.ensureTopic({ topic, partitions: 1, replicationFactor: o.replicationFactor ?? 1 });
  } finally {
    await admin.close();
  }
  const consumer = kafkaClient(o.connection).consumer({
    groupId: o.groupId ?? COORDINATION_GROUP,
    sessionTimeout: o.sessionTimeoutMs ?? 30_000,
    heartbeatInterval: Math.min(3_000, Math.floor((o.sessionTimeoutMs ?? 30_000) / 3)),
    allowAutoTopicCreation: false,
  });
  let leader = false;
  let markJoined: () => void = () => {};
  const joined = new Promise<void>((resolve) => (markJoined = resolve));
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    leader = (e.payload.memberAssignment[topic] ?? []).includes(0);
    o.log.info({ leader, memberId: e.payload.memberId }, "detections: joined the coordination group");
    markJoined();
  });
  consumer.on(consumer.events.REBALANCING, () => {
    leader = false;
  });
  consumer.on(consumer.events.CRASH, (e) => {
    leader = false;
    o.log.error({ err: e.payload.error }, "detections: coordination consumer crashed; not leading");
  });
  consumer.on(consumer.events.STOP, () => {
    leader = false;
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: false });
  // Nothing is ever produced to the topic: membership and its heartbeats are the whole point.
  await consumer.run({ autoCommit: false, eachMessage: async () => {} });
  return {
    joined,
    isLeader: () => leader,
    async stop() {
      leader = false;
      await consumer.disconnect();
    },
  };
}

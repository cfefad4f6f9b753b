import type { KafkaConnection } from "../ingest/kafka";
import { startSingleRunner } from "../ingest/kafka/single-runner";
import type { Logger } from "../lib/log";
import { COORDINATED_JOBS } from "../ingest/topics";
import type { Coordinator } from "./scheduler";

/**
 * Once per round across many ingest workers: the member of one consumer
 * group on a single-partition topic that Kafka assigns partition 0 runs the
 * rounds (ingest/kafka/single-runner.ts, shared with the drift and integrity
 * jobs). When it leaves or its session times out (30 s), the group
 * rebalances and another takes over; leadership is dropped the moment a
 * rebalance starts. Where each rule stands is in the store
 * (detection_windows), so the next leader resumes there, and a round that
 * overlaps a takeover still writes each finding once: the fingerprint is the
 * finding's id.
 */
export const COORDINATION_TOPIC = COORDINATED_JOBS.detections.topic;
export const COORDINATION_GROUP = COORDINATED_JOBS.detections.groupId;

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
  const runner = await startSingleRunner({
    connection: o.connection,
    topic: o.topic ?? COORDINATION_TOPIC,
    groupId: o.groupId ?? COORDINATION_GROUP,
    job: "detections",
    log: o.log,
    ...(o.sessionTimeoutMs ? { sessionTimeoutMs: o.sessionTimeoutMs } : {}),
    ...(o.replicationFactor ? { replicationFactor: o.replicationFactor } : {}),
  });
  return { joined: runner.joined, isLeader: runner.isLeader, stop: runner.stop };
}

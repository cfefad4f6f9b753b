/**
 * Every Kafka topic name prodtrail uses, in one place. Producers, the ingest
 * worker, docker-compose and the tests all take names from here, so a rename
 * is one edit and a grep for a topic finds every user.
 *
 * The `.v1` suffix is the wire contract's version, not the schema's: a
 * breaking change of the message format gets a new topic, so old and new
 * producers can coexist while consumers migrate.
 */
export const TOPICS = {
  /** Audit events, value = canonical JSON of one event, key = event_id (all copies of one event reach one worker; collect/sinks/kafka-sink.ts). */
  events: "prodtrail.events.v1",
  /** Messages the ingest worker could not store: original bytes plus headers saying why. */
  deadLetters: "prodtrail.events.dlq.v1",
  /** One partition: its consumer group elects the worker that runs each detection round; the rounds are recorded on it (ingest/kafka/single-runner.ts). */
  detectionsCoordination: "prodtrail.detections.coordination.v1",
  /** The same for the drift job's rounds (drift/start.ts). */
  driftCoordination: "prodtrail.drift.coordination.v1",
  /** The same for the source-integrity job's rounds (ingest/integrity/job.ts). */
  integrityCoordination: "prodtrail.integrity.coordination.v1",
} as const;

/**
 * Jobs that run once per round across every `ingest` worker (and `serve` in
 * scale mode): one single-partition topic and one consumer group each, so a
 * slow drift round never delays a detection round on another worker.
 */
export const COORDINATED_JOBS = {
  detections: { topic: TOPICS.detectionsCoordination, groupId: "prodtrail-detections" },
  drift: { topic: TOPICS.driftCoordination, groupId: "prodtrail-drift" },
  integrity: { topic: TOPICS.integrityCoordination, groupId: "prodtrail-integrity" },
} as const;
export type CoordinatedJob = keyof typeof COORDINATED_JOBS;

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

/** Header names on `events` messages (values are UTF-8 strings). */
export const EVENT_HEADERS = {
  schemaVersion: "schema_version",
  collectorId: "collector_id",
} as const;

/** Header names on `deadLetters` messages (values are UTF-8 strings). */
export const DEAD_LETTER_HEADERS = {
  originalTopic: "dlq.original_topic",
  originalPartition: "dlq.original_partition",
  originalOffset: "dlq.original_offset",
  reason: "dlq.reason",
  detail: "dlq.detail",
  failedAt: "dlq.failed_at",
} as const;

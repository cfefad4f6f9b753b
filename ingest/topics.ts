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
  /** One partition, no payload that matters: its consumer group elects the worker that runs each detection round (detections/coordination.ts). */
  detectionsCoordination: "prodtrail.detections.coordination.v1",
} as const;

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

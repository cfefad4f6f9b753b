import { canonicalJson, type AuditEvent } from "../../schemas";
import { createReliableProducer, KafkaTransportError, type KafkaConnection, type OutgoingMessage, type ReliableProducer } from "../../ingest/kafka";
import { EVENT_HEADERS, TOPICS } from "../../ingest/topics";
import type { Sink } from "../sink";

export interface KafkaSinkOptions {
  connection: KafkaConnection;
  /** Defaults to prodtrail.events.v1; tests pass a random topic. */
  topic?: string;
  /** Header value for events that carry no collector_id of their own (e.g. the gateway's). */
  collectorId?: string;
  /** A publish not acknowledged within this rejects (retriable) and the spool resends later. Default 30 s. */
  sendTimeoutMs?: number;
}

/**
 * Kafka codes that are about the events themselves. Authorization, unknown
 * topic or protocol mismatches are also "permanent" to the broker, but they
 * are the deployment's fault: those batches stay in the spool (retried,
 * logged at error) until an operator fixes the config, rather than every
 * event of the outage being moved to rejected files.
 */
const EVENT_CODES: ReadonlySet<string> = new Set(["MESSAGE_TOO_LARGE", "RECORD_LIST_TOO_LARGE", "INVALID_RECORD", "CORRUPT_MESSAGE"]);

/** A publish that Kafka did not acknowledge. `retriable` false: resending the same events cannot succeed. */
export class KafkaSinkError extends Error {
  override readonly name = "KafkaSinkError";
  constructor(
    message: string,
    readonly topic: string,
    readonly events: number,
    readonly retriable: boolean,
    readonly code: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** The broker refused these events for what they are (size, format): final, for the events, not the deployment. */
  get refusesTheEvents(): boolean {
    return !this.retriable && this.code !== undefined && EVENT_CODES.has(this.code);
  }
}

/**
 * Scale mode's sink: every event becomes one message of prodtrail.events.v1.
 *  - key = event_id: every copy of one event (a resend, or a different
 *    content under a stored id from any producer) lands on one partition,
 *    so one ingest worker at a time decides which copy is first, in topic
 *    order (store/first-write.ts; issue #9: keyed by host, a copy naming
 *    another host went to another partition and another worker, and two
 *    workers could each find the id absent and store both). Nothing relies
 *    on a host's events sharing a partition: the integrity job orders a
 *    stream by seq from the store, not by arrival;
 *  - value = canonical JSON, the bytes the collector hashed and signed;
 *  - headers schema_version and collector_id, readable without parsing the value.
 * `publish` resolves once the whole batch is acknowledged by all in-sync
 * replicas (acks=-1, see ingest/kafka/producer.ts for idempotence, in-flight
 * limit and compression).
 */
export class KafkaSink implements Sink {
  readonly name = "kafka";
  private readonly topic: string;
  private readonly producer: ReliableProducer;

  constructor(private readonly opts: KafkaSinkOptions) {
    this.topic = opts.topic ?? TOPICS.events;
    this.producer = createReliableProducer(opts.connection, { sendTimeoutMs: opts.sendTimeoutMs ?? 30_000 });
  }

  async publish(events: readonly AuditEvent[]): Promise<void> {
    if (events.length === 0) return;
    const messages = events.map((e) => this.toMessage(e));
    try {
      await this.producer.send(this.topic, messages);
    } catch (err) {
      const retriable = err instanceof KafkaTransportError ? err.retriable : true;
      const code = err instanceof KafkaTransportError ? err.code : undefined;
      throw new KafkaSinkError(
        `${events.length} event(s) not acknowledged by Kafka topic ${this.topic}: ${err instanceof Error ? err.message : String(err)}` +
          (retriable ? " (will be resent)" : " (resending cannot help)"),
        this.topic,
        events.length,
        retriable,
        code,
        { cause: err },
      );
    }
  }

  toMessage(event: AuditEvent): OutgoingMessage {
    const collectorId = event.collector_id ?? this.opts.collectorId;
    return {
      key: event.event_id,
      value: canonicalJson(event),
      headers: {
        [EVENT_HEADERS.schemaVersion]: String(event.schema_version),
        ...(collectorId !== undefined ? { [EVENT_HEADERS.collectorId]: collectorId } : {}),
      },
    };
  }

  close(): Promise<void> {
    return this.producer.close();
  }
}

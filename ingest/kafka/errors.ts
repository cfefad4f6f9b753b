/**
 * Kafka failures as the pipeline sees them: which operation failed, whether
 * trying again can help, and the broker's error code when there is one.
 */
export class KafkaTransportError extends Error {
  override readonly name = "KafkaTransportError";
  constructor(
    message: string,
    readonly op: string,
    /** true: the same request may succeed later (broker down, leader moving, timeout). */
    readonly retriable: boolean,
    /** The Kafka protocol error name, e.g. MESSAGE_TOO_LARGE, when the broker gave one. */
    readonly code: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Broker answers that no retry will change: the request itself is wrong or
 * forbidden. Everything else (connection refused, timeouts, NOT_LEADER,
 * NOT_ENOUGH_REPLICAS, retries exhausted) is worth another try later.
 */
const PERMANENT_CODES = new Set([
  "MESSAGE_TOO_LARGE",
  "RECORD_LIST_TOO_LARGE",
  "INVALID_RECORD",
  "CORRUPT_MESSAGE",
  "INVALID_TOPIC_EXCEPTION",
  "TOPIC_AUTHORIZATION_FAILED",
  "CLUSTER_AUTHORIZATION_FAILED",
  "TRANSACTIONAL_ID_AUTHORIZATION_FAILED",
  "UNSUPPORTED_VERSION",
  "UNSUPPORTED_COMPRESSION_TYPE",
  "INVALID_REQUIRED_ACKS",
]);

function protocolCode(err: unknown, depth = 0): string | undefined {
  if (depth > 5 || typeof err !== "object" || err === null) return undefined;
  const type: unknown = Reflect.get(err, "type");
  if (typeof type === "string") return type;
  return protocolCode(Reflect.get(err, "cause"), depth + 1);
}

export function toTransportError(op: string, err: unknown): KafkaTransportError {
  if (err instanceof KafkaTransportError) return err;
  const code = protocolCode(err);
  const message = err instanceof Error ? err.message : String(err);
  const retriable = code === undefined || !PERMANENT_CODES.has(code);
  return new KafkaTransportError(`kafka ${op} failed: ${message}${code ? ` (${code})` : ""}`, op, retriable, code, {
    cause: err,
  });
}

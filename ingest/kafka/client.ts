import { Kafka, logLevel, type LogEntry, type logCreator, type SASLOptions } from "kafkajs";
import { createLogger, type Logger } from "../../lib/log";

/**
 * How to reach a Kafka cluster. The only connection type the rest of the
 * code sees; kafkajs's own config never leaves this folder.
 */
export interface KafkaConnection {
  brokers: readonly string[];
  clientId: string;
  /** TCP connect timeout. kafkajs's 1 s default is too short for a broker that is restarting. */
  connectionTimeoutMs?: number;
  /** Per-request timeout (kafkajs default 30 s). */
  requestTimeoutMs?: number;
  /** Initial retry backoff for retriable errors (kafkajs default 300 ms). */
  initialRetryTimeMs?: number;
  /** Upper bound of one retry backoff step (kafkajs default 30 s). */
  maxRetryTimeMs?: number;
  /** TLS with the system's CAs. */
  ssl?: boolean;
  sasl?: { mechanism: "plain" | "scram-sha-256" | "scram-sha-512"; username: string; password: string };
  logger?: Logger;
}

/** Parse `KAFKA_BROKERS`-style lists: "host1:9092, host2:9092". */
export function parseBrokerList(value: string): string[] {
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

const LEVEL_NAMES: Record<number, "error" | "warn" | "info" | "debug"> = {
  [logLevel.ERROR]: "error",
  [logLevel.WARN]: "warn",
  [logLevel.INFO]: "info",
  [logLevel.DEBUG]: "debug",
};

/** kafkajs logs through pino like everything else (structured, redacted). */
function pinoLogCreator(log: Logger): logCreator {
  return () =>
    ({ namespace, level, log: entry }: LogEntry) => {
      const { message, timestamp: _timestamp, ...extra } = entry;
      log[LEVEL_NAMES[level] ?? "info"]({ namespace, ...extra }, String(message));
    };
}

/** @internal the kafkajs instance; only modules of ingest/kafka call this. */
export function kafkaClient(conn: KafkaConnection): Kafka {
  const log = conn.logger ?? createLogger("kafka");
  return new Kafka({
    clientId: conn.clientId,
    brokers: [...conn.brokers],
    ...(conn.ssl ? { ssl: true } : {}),
    ...(conn.sasl ? { sasl: saslOptions(conn.sasl) } : {}),
    connectionTimeout: conn.connectionTimeoutMs ?? 3_000,
    requestTimeout: conn.requestTimeoutMs ?? 30_000,
    retry: {
      initialRetryTime: conn.initialRetryTimeMs ?? 300,
      maxRetryTime: conn.maxRetryTimeMs ?? 30_000,
    },
    // kafkajs logs every retried request at ERROR; WARN keeps real problems
    // visible without a line per retry during a broker restart.
    logLevel: logLevel.WARN,
    logCreator: pinoLogCreator(log),
  });
}

function saslOptions(s: NonNullable<KafkaConnection["sasl"]>): SASLOptions {
  switch (s.mechanism) {
    case "plain":
      return { mechanism: "plain", username: s.username, password: s.password };
    case "scram-sha-256":
      return { mechanism: "scram-sha-256", username: s.username, password: s.password };
    case "scram-sha-512":
      return { mechanism: "scram-sha-512", username: s.username, password: s.password };
  }
}

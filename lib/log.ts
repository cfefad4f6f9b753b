import { pino, type Logger } from "pino";

/**
 * Structured logs for every process. Secrets that could reach a log line
 * through a config object or an error's context are censored by path.
 */
const REDACT_PATHS = [
  "password",
  "*.password",
  "token",
  "*.token",
  "api_key",
  "*.api_key",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "headers.cookie",
  "clickhouse.password",
];

export function createLogger(name: string, level = process.env.PRODTRAIL_LOG_LEVEL ?? "info"): Logger {
  return pino({
    name,
    level,
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    base: { pid: process.pid },
  });
}

export type { Logger };

/**
 * Environment overrides, applied on top of the file before validation, so a
 * bad value from the environment is reported under its config key and the
 * variable's name. The table is the documentation (README lists it too).
 */
export const ENV_OVERRIDES = [
  { env: "PRODTRAIL_DATA_DIR", key: ["data_dir"], kind: "string" },
  { env: "PRODTRAIL_LOG_LEVEL", key: ["log_level"], kind: "string" },
  { env: "CLICKHOUSE_URL", key: ["clickhouse", "url"], kind: "string" },
  { env: "CLICKHOUSE_DATABASE", key: ["clickhouse", "database"], kind: "string" },
  { env: "CLICKHOUSE_USER", key: ["clickhouse", "username"], kind: "string" },
  { env: "CLICKHOUSE_PASSWORD", key: ["clickhouse", "password"], kind: "string" },
  { env: "KAFKA_BROKERS", key: ["kafka", "brokers"], kind: "list" },
  { env: "HOST", key: ["server", "host"], kind: "string" },
  { env: "PORT", key: ["server", "port"], kind: "int" },
  { env: "PRODTRAIL_PUBLIC_URLS", key: ["server", "public_urls"], kind: "list" },
  { env: "PRODTRAIL_DEMO_SEED", key: ["demo", "seed"], kind: "int" },
  { env: "PRODTRAIL_DEMO_RATE", key: ["demo", "live_events_per_minute"], kind: "number" },
] as const;

export type EnvOverride = (typeof ENV_OVERRIDES)[number];

export function envValue(override: EnvOverride, raw: string): unknown {
  switch (override.kind) {
    case "list":
      return raw
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "");
    case "int":
    case "number":
      // Left as a string when not numeric, so validation names the key.
      return raw.trim() !== "" && Number.isFinite(Number(raw)) ? Number(raw) : raw;
    default:
      return raw;
  }
}

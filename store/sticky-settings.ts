import type { ClickHouseClient } from "@clickhouse/client";

/**
 * The embedded engine keeps a query's settings in its session for the calls
 * after it. Seen here: an insert with insert_deduplication_token "t1", then
 * an insert without a token, stored nothing — the second inherited "t1" and
 * was dropped as a repeat — and so did every INSERT … SELECT after it. A
 * server has no such session (each HTTP request starts from the defaults).
 *
 * So every call through an embedded store restates these settings, with the
 * server defaults unless the caller sets them: a setting lives for exactly
 * the call that asked for it, as it does against a server.
 */
export const PER_CALL_DEFAULTS = {
  insert_deduplication_token: "",
  log_comment: "",
  async_insert: 0,
  date_time_input_format: "basic",
  input_format_skip_unknown_fields: 1,
} as const;

type Settings = Record<string, unknown>;

function withDefaults<P>(params: P): P {
  if (typeof params !== "object" || params === null) return params;
  const given: unknown = Reflect.get(params, "clickhouse_settings");
  const settings: Settings = typeof given === "object" && given !== null ? { ...given } : {};
  return { ...params, clickhouse_settings: { ...PER_CALL_DEFAULTS, ...settings } };
}

/** The same client, whose query/insert/command/exec calls carry PER_CALL_DEFAULTS. */
export function withPerCallSettings(client: ClickHouseClient): ClickHouseClient {
  const wrapped = new Set<PropertyKey>(["query", "insert", "command", "exec"]);
  return new Proxy(client, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (!wrapped.has(prop) || typeof value !== "function") return value;
      return (params: unknown) => Reflect.apply(value, target, [withDefaults(params)]);
    },
  });
}

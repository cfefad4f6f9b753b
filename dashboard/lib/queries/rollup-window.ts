import { z } from "zod";
import type { Tables } from "../../../store/tables";
import type { Filters } from "../filters/schema";
import { DIMENSION_WHERE, filterParams, toFilterParams, type FilterParams } from "./where";

/**
 * A window read from the hourly rollups (store/migrations/0015, 0016):
 * whole hours from the rollup, the partial hours at either end from
 * `events`, so a window that starts at 14:37 still means 14:37 exactly.
 * At most two partial hours are read raw, whatever the window's length.
 */
export const rollupParams = filterParams.extend({ hour_from: z.string(), hour_to: z.string() });
export type RollupParams = z.infer<typeof rollupParams>;

const HOUR_MS = 3_600_000;

/** [hour_from, hour_to): the whole hours inside [from, to); empty (both = to) when there is none. */
export function wholeHours(from: string, to: string): { hour_from: string; hour_to: string } {
  const first = Math.ceil(Date.parse(from) / HOUR_MS) * HOUR_MS;
  const end = Math.floor(Date.parse(to) / HOUR_MS) * HOUR_MS;
  if (!(first < end)) return { hour_from: to, hour_to: to };
  return { hour_from: new Date(first).toISOString(), hour_to: new Date(end).toISOString() };
}

export function toRollupParams(filters: Filters): RollupParams {
  return { ...toFilterParams(filters), ...wholeHours(filters.from, filters.to) };
}

/** Filters a rollup can answer: its columns are the dimensions, never a host, an actor or a search. */
export function rollupServes(params: FilterParams, dimensions: ReadonlyArray<"envs" | "services" | "teams" | "channels" | "types">): boolean {
  if (params.q !== "" || params.hosts.length > 0 || params.actors.length > 0) return false;
  const all = ["envs", "services", "teams", "channels", "types"] as const;
  return all.every((d) => dimensions.includes(d) || params[d].length === 0);
}

export const HOUR_WHERE = `hour >= parseDateTimeBestEffort({hour_from:String}, 'UTC') AND hour < parseDateTimeBestEffort({hour_to:String}, 'UTC')`;

/** The partial hours: inside [from, to) and outside the whole hours the rollup answers. */
export const EDGE_WHERE = `occurred_at >= parseDateTime64BestEffort({from:String}, 3)
  AND occurred_at < parseDateTime64BestEffort({to:String}, 3)
  AND (occurred_at < parseDateTime64BestEffort({hour_from:String}, 3) OR occurred_at >= parseDateTime64BestEffort({hour_to:String}, 3))`;

/** Every key column of events_hourly, in its sort order. */
const HOURLY_KEY = "env, category, type, channel, service, team, outcome, actor_kind, break_glass";

/**
 * Rows (hour, key columns, n = events) for the window: the rollup's whole hours,
 * each key's figure being sum(live) + max(backfilled) (0015 says why), and
 * the partial hours counted from `events` with uniqExact(event_id), as every
 * raw panel counts. `hourWhere` replaces the window for callers that read
 * whole days (trends).
 */
export function hourlyCounts(t: Tables, options: { hourWhere?: string } = {}): string {
  const rollupWindow = options.hourWhere ?? HOUR_WHERE;
  const rollup = `
    SELECT hour, ${HOURLY_KEY}, sum(live) + max(backfilled) AS n
    FROM ${t.events_hourly}
    WHERE ${rollupWindow} AND ${DIMENSION_WHERE}
    GROUP BY hour, ${HOURLY_KEY}`;
  if (options.hourWhere !== undefined) return rollup;
  return `${rollup}
    UNION ALL
    SELECT toStartOfHour(occurred_at) AS hour, ${HOURLY_KEY}, uniqExact(event_id) AS n
    FROM ${t.events}
    WHERE ${EDGE_WHERE} AND ${DIMENSION_WHERE}
    GROUP BY hour, ${HOURLY_KEY}`;
}

/** Entities as 0016 keys them; the same rules the raw overview summary applies. */
const RAW_ENTITIES = `arrayFilter(e -> e.1 != '', [
    (if(category IN ('access', 'change', 'deploy'), if(actor_kind = 'human', 'human', 'service'), ''), actor_id),
    (if(category IN ('access', 'change', 'deploy') AND host != '', 'host', ''), host),
    (if(session_id != '', 'session', ''), session_id)
  ])`;

/** Rows (kind, value) active in the window: whole hours from events_hourly_entities, partial hours from events. Env filter only. */
export function activeEntities(t: Tables): string {
  return `
    SELECT kind, value
    FROM ${t.events_hourly_entities}
    WHERE ${HOUR_WHERE} AND (empty({envs:Array(String)}) OR env IN {envs:Array(String)})
    UNION ALL
    SELECT entity.1 AS kind, entity.2 AS value
    FROM ${t.events}
    ARRAY JOIN ${RAW_ENTITIES} AS entity
    WHERE ${EDGE_WHERE} AND (empty({envs:Array(String)}) OR env IN {envs:Array(String)})`;
}

/**
 * The `limit` entities of `kinds` (0016's: 'human', 'service', 'host') with
 * the most events in the window, ties by value, as one column `value`: the
 * ranking from the rollup (whole hours) and `events` (partial hours), so a
 * top-N panel reads the wide columns of N entities' events only. Env filter only.
 */
export function topEntities(t: Tables, kinds: ReadonlyArray<"human" | "service" | "host">): string {
  const kindList = kinds.map((k) => `'${k}'`).join(", ");
  const envWhere = "(empty({envs:Array(String)}) OR env IN {envs:Array(String)})";
  return `
    SELECT value FROM (
      SELECT value, sum(n) AS events FROM (
        SELECT value, sum(live) + max(backfilled) AS n
        FROM ${t.events_hourly_entities}
        WHERE ${HOUR_WHERE} AND kind IN (${kindList}) AND ${envWhere}
        GROUP BY env, kind, hour, value
        UNION ALL
        SELECT entity.2 AS value, uniqExact(event_id) AS n
        FROM ${t.events}
        ARRAY JOIN ${RAW_ENTITIES} AS entity
        WHERE ${EDGE_WHERE} AND entity.1 IN (${kindList}) AND ${envWhere}
        GROUP BY value
      )
      WHERE value != ''
      GROUP BY value
      ORDER BY events DESC, value
      LIMIT {limit:UInt32}
    )`;
}

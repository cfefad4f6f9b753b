import { z } from "zod";
import { defineQuery } from "../../../store/query";
import { count } from "./cells";
import { DIMENSION_WHERE, filterParams } from "./where";

/**
 * Trends read the daily rollup (events_daily, an AggregatingMergeTree fed by
 * a materialized view), not raw events: a year of weekly points is a few
 * thousand rollup rows instead of every event. uniqExactMerge(events) keeps
 * exactly-once counting through the rollup (the state holds event ids).
 * The rollup has no host or actor columns, so those filters do not apply.
 */
export const TREND_DIMENSIONS = { team: "team", channel: "channel", env: "env", category: "category" } as const;
export type TrendDimension = keyof typeof TREND_DIMENSIONS;
export const TREND_PERIODS = { week: "toMonday(day)", month: "toStartOfMonth(day)" } as const;
export type TrendPeriod = keyof typeof TREND_PERIODS;

const DAY_WHERE = `day >= toDate(parseDateTime64BestEffort({from:String}, 3)) AND day <= toDate(parseDateTime64BestEffort({to:String}, 3))
  AND ${DIMENSION_WHERE}`;

const periodRow = z.object({ period: z.string(), key: z.string(), events: count });

const cache = new Map<string, unknown>();
/** One query definition per (kind, period, dimension), built once. */
function memo<T>(key: string, build: () => T): T {
  const hit = cache.get(key);
  if (hit !== undefined) return hit as T;
  const made = build();
  cache.set(key, made);
  return made;
}

/** Identifiers (the period expression and the grouping column) come only from the typed constants above. */
export function accessTrendQuery(period: TrendPeriod, dimension: TrendDimension) {
  return memo(`access-${period}-${dimension}`, () => defineQuery({
    name: `dashboard.trends.access_by_${dimension}_${period}`,
    params: filterParams,
    row: periodRow,
    sql: (t) => `
      SELECT toString(${TREND_PERIODS[period]}) AS period, toString(${TREND_DIMENSIONS[dimension]}) AS key, uniqExactMerge(events) AS events
      FROM ${t.events_daily}
      WHERE ${DAY_WHERE} AND category IN ('access', 'change')
      GROUP BY period, key
      ORDER BY period, key`,
  }));
}

/** Changes through the pipeline (ci-deploy, config-mgmt) vs directly on hosts, per period. */
export function pipelineShareQuery(period: TrendPeriod) {
  return memo(`pipeline-${period}`, () => defineQuery({
    name: `dashboard.trends.pipeline_share_${period}`,
    params: filterParams,
    row: z.object({ period: z.string(), pipeline: count, direct: count }),
    sql: (t) => `
      SELECT toString(${TREND_PERIODS[period]}) AS period,
        uniqExactMergeIf(events, channel IN ('ci-deploy', 'config-mgmt')) AS pipeline,
        uniqExactMergeIf(events, channel NOT IN ('ci-deploy', 'config-mgmt')) AS direct
      FROM ${t.events_daily}
      WHERE ${DAY_WHERE} AND category = 'change'
      GROUP BY period
      ORDER BY period`,
  }));
}

export function breakGlassQuery(period: TrendPeriod) {
  return memo(`break-glass-${period}`, () => defineQuery({
    name: `dashboard.trends.break_glass_${period}`,
    params: filterParams,
    row: periodRow,
    sql: (t) => `
      SELECT toString(${TREND_PERIODS[period]}) AS period, team AS key, uniqExactMerge(events) AS events
      FROM ${t.events_daily}
      WHERE ${DAY_WHERE} AND (break_glass OR channel = 'break-glass')
      GROUP BY period, key
      ORDER BY period, key`,
  }));
}

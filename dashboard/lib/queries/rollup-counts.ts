import { z } from "zod";
import { defineQuery } from "../../../store/query";
import { count } from "./cells";
import { activeEntities, hourlyCounts, rollupParams } from "./rollup-window";

/**
 * Panel figures from the hourly rollups (0015 events_hourly, 0016
 * events_hourly_entities) for filters the rollups can answer
 * (rollup-window.ts: rollupServes); the raw queries beside them answer the
 * rest. Same figures as the raw queries, exactly once (0015's header says
 * why), at a cost that grows with hours × dimension values, not events.
 */
export const rollupSummaryCountsQuery = defineQuery({
  name: "dashboard.rollup.summary_counts",
  params: rollupParams,
  row: z.object({ events: count, break_glass: count, failed_logins: count }),
  sql: (t) => `
    SELECT sum(n) AS events,
      sumIf(n, break_glass OR channel = 'break-glass') AS break_glass,
      sumIf(n, type = 'access.login_failed') AS failed_logins
    FROM (${hourlyCounts(t)})`,
});

export const rollupSummaryEntitiesQuery = defineQuery({
  name: "dashboard.rollup.summary_entities",
  params: rollupParams,
  row: z.object({ people: count, services: count, hosts: count, sessions: count }),
  sql: (t) => `
    SELECT uniqExactIf(value, kind = 'human') AS people, uniqExactIf(value, kind = 'service') AS services,
      uniqExactIf(value, kind = 'host') AS hosts, uniqExactIf(value, kind = 'session') AS sessions
    FROM (${activeEntities(t)})`,
});

export const rollupEventCountQuery = defineQuery({
  name: "dashboard.rollup.event_count",
  params: rollupParams,
  row: z.object({ events: count }),
  sql: (t) => `SELECT sum(n) AS events FROM (${hourlyCounts(t)})`,
});

/**
 * Trends count whole days, as they did over the daily rollup: from the day
 * of `from` through the day of `to`, inclusive.
 */
export const TREND_DAYS_WHERE = `hour >= toStartOfDay(parseDateTime64BestEffort({from:String}, 3), 'UTC')
  AND hour < toStartOfDay(parseDateTime64BestEffort({to:String}, 3), 'UTC') + INTERVAL 1 DAY`;

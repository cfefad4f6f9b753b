import { z } from "zod";
import { defineQuery } from "../../../store/query";
import type { Tables } from "../../../store/tables";
import { count } from "./cells";
import { activeEntities, hourlyCounts, rollupParams } from "./rollup-window";

/**
 * Panel figures from the hourly rollups (0015 events_hourly, 0016
 * events_hourly_entities) for filters the rollups can answer
 * (rollup-window.ts: rollupServes); the raw queries beside them answer the
 * rest. Same figures as the raw queries, exactly once (0015's header says
 * why), at a cost that grows with hours × dimension values, not events.
 */
const SUMMARY_COUNTS = (t: Tables) => `
    SELECT sum(n) AS events,
      sumIf(n, break_glass OR channel = 'break-glass') AS break_glass,
      sumIf(n, type = 'access.login_failed') AS failed_logins
    FROM (${hourlyCounts(t)})`;

const SUMMARY_ENTITIES = (t: Tables) => `
    SELECT uniqExactIf(value, kind = 'human') AS people, uniqExactIf(value, kind = 'service') AS services,
      uniqExactIf(value, kind = 'host') AS hosts, uniqExactIf(value, kind = 'session') AS sessions
    FROM (${activeEntities(t)})`;

/** The overview summary in one query (one round trip: on 2 busy cores each query costs a SELECT 1 of ~100 ms before any work). */
export const rollupSummaryQuery = defineQuery({
  name: "dashboard.rollup.summary",
  params: rollupParams,
  row: z.object({ events: count, people: count, services: count, sessions: count, hosts: count, break_glass: count, failed_logins: count }),
  sql: (t) => `
    SELECT c.events AS events, e.people AS people, e.services AS services, e.sessions AS sessions, e.hosts AS hosts,
      c.break_glass AS break_glass, c.failed_logins AS failed_logins
    FROM (${SUMMARY_COUNTS(t)}) AS c CROSS JOIN (${SUMMARY_ENTITIES(t)}) AS e`,
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

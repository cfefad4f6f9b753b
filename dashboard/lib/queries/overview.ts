import { z } from "zod";
import { defineQuery } from "../../../store/query";
import { chTime, count } from "./cells";
import { rollupParams, topEntities } from "./rollup-window";
import { EVENT_WHERE, TOUCH_WHERE, filterParams } from "./where";

/**
 * Overview panels, each one aggregate in ClickHouse. Counting is exactly
 * once: events is a ReplacingMergeTree where a redelivered event may sit
 * twice until a merge, so events are counted with uniqExact(event_id).
 */
export const overviewSummaryQuery = defineQuery({
  name: "dashboard.overview.summary",
  params: filterParams,
  row: z.object({
    events: count,
    people: count,
    services: count,
    sessions: count,
    hosts: count,
    break_glass: count,
    failed_logins: count,
  }),
  sql: (t) => `
    SELECT
      uniqExact(event_id) AS events,
      uniqExactIf(actor_id, actor_kind = 'human' AND ${TOUCH_WHERE}) AS people,
      uniqExactIf(actor_id, actor_kind != 'human' AND ${TOUCH_WHERE}) AS services,
      uniqExactIf(session_id, session_id != '') AS sessions,
      uniqExactIf(host, host != '' AND ${TOUCH_WHERE}) AS hosts,
      uniqExactIf(event_id, break_glass OR channel = 'break-glass') AS break_glass,
      uniqExactIf(event_id, type = 'access.login_failed') AS failed_logins
    FROM ${t.events}
    WHERE ${EVENT_WHERE}`,
});

export const accessSeriesQuery = defineQuery({
  name: "dashboard.overview.access_series",
  params: filterParams.extend({ step: z.number().int().positive() }),
  row: z.object({ bucket: chTime, channel: z.string(), events: count }),
  sql: (t) => `
    SELECT toStartOfInterval(occurred_at, toIntervalSecond({step:UInt32})) AS bucket, channel, uniqExact(event_id) AS events
    FROM ${t.events}
    WHERE ${EVENT_WHERE} AND category = 'access'
    GROUP BY bucket, channel
    ORDER BY bucket, channel`,
});

const topActorsRow = z.object({ actor_id: z.string(), kind: z.string(), events: count, hosts: count, sessions: count, changes: count, channels: z.array(z.string()) });
// Aggregate aliases never reuse a column name: ClickHouse would substitute the alias into WHERE.
const topActorsSql = (events: string, only = "") => `
    SELECT actor_id, any(actor_kind) AS kind, uniqExact(event_id) AS events, uniqExactIf(host, host != '') AS hosts,
      uniqExactIf(session_id, session_id != '') AS sessions, uniqExactIf(event_id, category = 'change') AS changes,
      arraySort(groupUniqArray(8)(channel)) AS channels
    FROM ${events}
    WHERE ${EVENT_WHERE} AND ${TOUCH_WHERE} AND actor_id != '' ${only}
    GROUP BY actor_id
    ORDER BY events DESC, actor_id
    LIMIT {limit:UInt32}`;

export const topActorsQuery = defineQuery({
  name: "dashboard.overview.top_actors",
  params: filterParams.extend({ limit: z.number().int().min(1).max(100) }),
  row: topActorsRow,
  sql: (t) => topActorsSql(t.events),
});

/**
 * The same panel when the rollups can rank (rollupServes: env filter only):
 * the top actors come from events_hourly_entities, and only their events are
 * read for the other columns. 118 ms p50 raw at 10M events, 24 h (bench/dashboard).
 */
export const topActorsRankedQuery = defineQuery({
  name: "dashboard.overview.top_actors_ranked",
  params: rollupParams.extend({ limit: z.number().int().min(1).max(100) }),
  row: topActorsRow,
  sql: (t) => topActorsSql(t.events, `AND actor_id IN (${topEntities(t, ["human", "service"])})`),
});

const topHostsRow = z.object({ host: z.string(), host_env: z.string(), events: count, actors: count, changes: count });
const topHostsSql = (events: string, only = "") => `
    SELECT host, any(env) AS host_env, uniqExact(event_id) AS events, uniqExact(actor_id) AS actors, uniqExactIf(event_id, category = 'change') AS changes
    FROM ${events}
    WHERE ${EVENT_WHERE} AND ${TOUCH_WHERE} AND host != '' ${only}
    GROUP BY host
    ORDER BY events DESC, host
    LIMIT {limit:UInt32}`;

export const topHostsQuery = defineQuery({
  name: "dashboard.overview.top_hosts",
  params: filterParams.extend({ limit: z.number().int().min(1).max(100) }),
  row: topHostsRow,
  sql: (t) => topHostsSql(t.events),
});

/** Top hosts ranked by the rollup, as topActorsRankedQuery: 98 ms p50 raw against 48 ms at 10M events, 24 h. */
export const topHostsRankedQuery = defineQuery({
  name: "dashboard.overview.top_hosts_ranked",
  params: rollupParams.extend({ limit: z.number().int().min(1).max(100) }),
  row: topHostsRow,
  sql: (t) => topHostsSql(t.events, `AND host IN (${topEntities(t, ["host"])})`),
});

/**
 * Open sessions: a login in the last `hours` with no logout yet. Judged per
 * session over the look-back window (not the page's range), ending now.
 */
export const openSessionsQuery = defineQuery({
  name: "dashboard.overview.open_sessions",
  params: filterParams.extend({ since: z.string(), limit: z.number().int().min(1).max(500) }),
  row: z.object({ session_id: z.string(), actor: z.string(), on_host: z.string(), in_env: z.string(), via: z.string(), started_at: chTime, last_at: chTime, events: count }),
  sql: (t) => `
    SELECT session_id, argMin(actor_id, occurred_at) AS actor, argMin(host, occurred_at) AS on_host, any(env) AS in_env,
      argMin(channel, occurred_at) AS via, min(occurred_at) AS started_at, max(occurred_at) AS last_at, uniqExact(event_id) AS events
    FROM ${t.events}
    WHERE occurred_at >= parseDateTime64BestEffort({since:String}, 3) AND session_id != ''
      AND (empty({envs:Array(String)}) OR env IN {envs:Array(String)})
      AND (empty({hosts:Array(String)}) OR host IN {hosts:Array(String)})
      AND (empty({actors:Array(String)}) OR actor_id IN {actors:Array(String)})
      AND (empty({services:Array(String)}) OR service IN {services:Array(String)})
    GROUP BY session_id
    HAVING countIf(type = 'access.login' AND outcome = 'success') > 0 AND countIf(type = 'access.logout') = 0
    ORDER BY started_at DESC
    LIMIT {limit:UInt32}`,
});

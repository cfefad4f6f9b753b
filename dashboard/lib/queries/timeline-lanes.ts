import { z } from "zod";
import { defineQuery } from "../../../store/query";
import { chTime, count } from "./cells";
import { eventListRow } from "./events";
import { EVENT_WHERE, filterParams } from "./where";

/**
 * The timeline page's bounded reads (issue #13 item 5: the body stays under
 * 1 MB at any data size). A lane is a session, or an actor on a host outside
 * any session — the same key buildTimeline groups by, so a lane and the
 * export's group name the same thing.
 *
 * Every read is `FROM events FINAL` with plain count(): a redelivered event
 * not yet merged away has the same sort key (env, occurred_at, event_id) as
 * its first copy, so FINAL folds it into one row before counting, and the
 * first received copy is the one kept (ReplacingMergeTree(ver), store/events.ts
 * layer 4). Measured on the 1M-event bench store, 24 h window (42k events),
 * 9 runs: the window histogram took 119 ms p50 with uniqExact(event_id) and
 * 21 ms with FINAL + count(); the lanes grouping 290 ms and 173 ms. A hash set
 * of every event_id string is what made uniqExact cost more than the read.
 */
const LANE_KEY = `if(session_id != '', session_id, concat(actor_id, '@', host))`;
const TIMELINE_WHERE = `${EVENT_WHERE} AND category != 'audit'`;

/** One page of lanes, ordered as a postmortem reads them: actors by their first move, each actor's lanes by start. */
export const timelineLanesQuery = defineQuery({
  name: "dashboard.timeline.lanes",
  params: filterParams.extend({ limit: z.number().int().min(1).max(200), offset: z.number().int().min(0) }),
  row: z.object({
    lane: z.string(),
    actor: z.string(),
    host: z.string(),
    session: z.string(),
    first_at: chTime,
    last_at: chTime,
    events: count,
    total_lanes: count,
    total_actors: count,
    total_events: count,
  }),
  sql: (t) => `
    SELECT lane, lane_actor AS actor, lane_host AS host, lane_session AS session, first_at, last_at, events,
      count() OVER () AS total_lanes, sum(events) OVER () AS total_events,
      uniqExact(lane_actor) OVER () AS total_actors, min(first_at) OVER (PARTITION BY lane_actor) AS actor_first
    FROM (
      SELECT ${LANE_KEY} AS lane, any(actor_id) AS lane_actor, any(host) AS lane_host, any(session_id) AS lane_session,
        min(occurred_at) AS first_at, max(occurred_at) AS last_at, count() AS events
      FROM ${t.events} FINAL
      WHERE ${TIMELINE_WHERE}
      GROUP BY lane
    )
    ORDER BY actor_first, lane_actor, first_at, lane
    LIMIT {limit:UInt32} OFFSET {offset:UInt32}`,
});

const bucketParams = filterParams.extend({ from_ms: z.number().int(), bucket_ms: z.number().int().min(1) });
const BUCKET = `toUInt32(intDiv(toUnixTimestamp64Milli(occurred_at) - {from_ms:Int64}, {bucket_ms:Int64}))`;

/** Events per time bucket of each lane on the page: what a lane draws, however dense it is. */
export const timelineLaneBucketsQuery = defineQuery({
  name: "dashboard.timeline.lane_buckets",
  params: bucketParams.extend({ lanes: z.array(z.string()).max(200) }),
  row: z.object({ lane: z.string(), bucket: count, events: count, failures: count, break_glass: count }),
  sql: (t) => `
    SELECT ${LANE_KEY} AS lane, ${BUCKET} AS bucket, count() AS events,
      countIf(outcome = 'failure') AS failures, countIf(break_glass) AS break_glass
    FROM ${t.events} FINAL
    WHERE ${TIMELINE_WHERE} AND lane IN {lanes:Array(String)}
    GROUP BY lane, bucket
    ORDER BY lane, bucket`,
});

/**
 * Events per time bucket over every lane, with each bucket's first and last
 * event: the axis histogram, where the busiest stretch is, and the window's
 * silences (timeline-window.ts gapsFromBuckets) without sorting every event.
 */
export const timelineWindowBucketsQuery = defineQuery({
  name: "dashboard.timeline.window_buckets",
  params: bucketParams,
  row: z.object({ bucket: count, events: count, first_at: chTime, last_at: chTime }),
  sql: (t) => `
    SELECT ${BUCKET} AS bucket, count() AS events, min(occurred_at) AS first_at, max(occurred_at) AS last_at
    FROM ${t.events} FINAL
    WHERE ${TIMELINE_WHERE}
    GROUP BY bucket
    ORDER BY bucket`,
});

/**
 * The first `per_lane` events of each lane on the page, oldest first. Not
 * FINAL: FINAL filters non-key columns only after merging, so `lane IN` would
 * come after reading every column (command among them) of the whole window —
 * at 7 days on the 1M bench store that made the summary 1.7× slower. The
 * lane filter first, then one row per event_id, reads only the page's lanes.
 */
export const timelineLaneEventsQuery = defineQuery({
  name: "dashboard.timeline.lane_events",
  params: filterParams.extend({ lanes: z.array(z.string()).max(200), per_lane: z.number().int().min(1).max(100) }),
  row: eventListRow.extend({ lane: z.string() }),
  sql: (t) => `
    SELECT * FROM (
      SELECT event_id, occurred_at, type, actor_id, actor_kind, effective_user, channel, env, host, service, team, outcome,
        break_glass, session_id, ${LANE_KEY} AS lane,
        multiIf(command != '', command, path != '', path, resource != '', resource, package != '', concat(package, ' ', version_after), commit != '', concat(repo, '@', substring(commit, 1, 12)), reason) AS full_summary,
        substringUTF8(full_summary, 1, 300) AS summary, lengthUTF8(full_summary) AS summary_chars
      FROM ${t.events}
      WHERE ${TIMELINE_WHERE} AND lane IN {lanes:Array(String)}
      ORDER BY occurred_at, event_id
      LIMIT 1 BY event_id
    )
    ORDER BY lane, occurred_at, event_id
    LIMIT {per_lane:UInt32} BY lane`,
});

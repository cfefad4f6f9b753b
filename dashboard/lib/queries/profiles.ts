import { z } from "zod";
import { defineQuery } from "../../../store/query";
import { chTime, count } from "./cells";
import { EVENT_WHERE, TOUCH_WHERE, filterParams } from "./where";

/**
 * Actor and host profiles. The subject (actor_id or host) is a parameter of
 * its own, ANDed with the page's filters, so a profile can still be narrowed
 * by env, channel or time like any other view.
 */
const subjectParams = filterParams.extend({ subject: z.string().min(1).max(256) });
const SUBJECT = { actor: "actor_id", host: "host" } as const;
export type Subject = keyof typeof SUBJECT;

const summaryFields = { events: count, sessions: count, hosts: count, actors: count, changes: count, failures: count, break_glass: count, first_at: chTime.nullable(), last_at: chTime.nullable() };
const breakdownFields = { key: z.string(), events: count, sessions: count, channels: z.array(z.string()), first_at: chTime, last_at: chTime };
export type ProfileSummary = z.output<z.ZodObject<typeof summaryFields>>;
export type ProfileBreakdownRow = z.output<z.ZodObject<typeof breakdownFields>>;

/** Breakdown of the subject's events by one other column (channel, host, actor). */
const BREAKDOWN = { channel: "channel", host: "host", actor: "actor_id" } as const;
export type Breakdown = keyof typeof BREAKDOWN;

/**
 * The summary and two breakdowns of one subject in one read of its rows:
 * GROUP BY GROUPING SETS ((), (a), (b)). At 10M events a subject's rows sit
 * in nearly every granule of the window, so each query pays for every column
 * it reads; three queries read the same columns three times (and on two
 * cores compete for them). Each row says which set it belongs to: `summary`
 * (exactly one row, zeros and NULL times when nothing matched) or a
 * breakdown, at most 50 rows each, ordered events DESC, key as before.
 * grouping(c) = 0 means c is a key of the row's set (the SQL standard's
 * sense, force_grouping_standard_compatibility, on by default).
 */
function overview<A extends Breakdown, B extends Breakdown>(subject: Subject, a: A, b: B) {
  const [ca, cb] = [BREAKDOWN[a], BREAKDOWN[b]];
  return defineQuery({
    name: `dashboard.profiles.${subject}_overview`,
    params: subjectParams,
    row: z.discriminatedUnion("set", [
      z.object({ set: z.literal("summary"), ...summaryFields }),
      z.object({ set: z.literal(a), ...breakdownFields }),
      z.object({ set: z.literal(b), ...breakdownFields }),
    ]),
    sql: (t) => `
      SELECT multiIf(grouping(${ca}) = 0, '${a}', grouping(${cb}) = 0, '${b}', 'summary') AS set,
        multiIf(grouping(${ca}) = 0, toString(${ca}), grouping(${cb}) = 0, toString(${cb}), '') AS key,
        uniqExact(event_id) AS events, uniqExactIf(session_id, session_id != '') AS sessions, uniqExactIf(host, host != '') AS hosts,
        uniqExact(actor_id) AS actors, uniqExactIf(event_id, category = 'change') AS changes, uniqExactIf(event_id, outcome = 'failure') AS failures,
        uniqExactIf(event_id, break_glass OR channel = 'break-glass') AS break_glass, arraySort(groupUniqArray(8)(channel)) AS channels,
        if(count() = 0, NULL, min(occurred_at)) AS first_at, if(count() = 0, NULL, max(occurred_at)) AS last_at
      FROM ${t.events}
      WHERE ${SUBJECT[subject]} = {subject:String} AND ${EVENT_WHERE} AND ${TOUCH_WHERE}
      GROUP BY GROUPING SETS ((), (${ca}), (${cb}))
      ORDER BY set, events DESC, key
      LIMIT 50 BY set`,
  });
}
export const actorOverviewQuery = overview("actor", "channel", "host");
export const hostOverviewQuery = overview("host", "actor", "channel");

/**
 * Events per hour of day (UTC) in the window and in the baseline window
 * before it, both as distinct-event counts; the caller divides by days.
 */
export const actorHoursQuery = defineQuery({
  name: "dashboard.profiles.actor_hours",
  params: subjectParams.extend({ baseline_from: z.string() }),
  row: z.object({ hour: z.coerce.number().int().min(0).max(23), in_range: count, baseline: count }),
  sql: (t) => `
    SELECT toHour(occurred_at) AS hour,
      uniqExactIf(event_id, occurred_at >= parseDateTime64BestEffort({from:String}, 3)) AS in_range,
      uniqExactIf(event_id, occurred_at < parseDateTime64BestEffort({from:String}, 3)) AS baseline
    FROM ${t.events}
    WHERE actor_id = {subject:String}
      AND occurred_at >= parseDateTime64BestEffort({baseline_from:String}, 3)
      AND occurred_at < parseDateTime64BestEffort({to:String}, 3)
      AND ${TOUCH_WHERE}
      AND (empty({envs:Array(String)}) OR env IN {envs:Array(String)})
    GROUP BY hour
    ORDER BY hour`,
});

/** The latest changes on a host: what was done there, newest first. */
export const hostChangesQuery = defineQuery({
  name: "dashboard.profiles.host_changes",
  params: subjectParams,
  row: z.object({ event_id: z.string(), occurred_at: chTime, type: z.string(), actor_id: z.string(), channel: z.string(), what: z.string() }),
  sql: (t) => `
    SELECT event_id, occurred_at, type, actor_id, channel,
      substringUTF8(multiIf(path != '', path, package != '', concat(package, ' ', version_after), resource != '', resource, command), 1, 300) AS what
    FROM ${t.events}
    WHERE host = {subject:String} AND ${EVENT_WHERE} AND category = 'change'
    ORDER BY occurred_at DESC, event_id DESC
    LIMIT 1 BY event_id
    LIMIT 50`,
});

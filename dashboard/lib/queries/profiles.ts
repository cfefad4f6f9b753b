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

const summaryRow = z.object({ events: count, sessions: count, hosts: count, actors: count, changes: count, failures: count, break_glass: count, first_at: chTime.nullable(), last_at: chTime.nullable() });

function summary(subject: Subject) {
  return defineQuery({
    name: `dashboard.profiles.${subject}_summary`,
    params: subjectParams,
    row: summaryRow,
    sql: (t) => `
      SELECT uniqExact(event_id) AS events, uniqExactIf(session_id, session_id != '') AS sessions, uniqExactIf(host, host != '') AS hosts,
        uniqExact(actor_id) AS actors, uniqExactIf(event_id, category = 'change') AS changes, uniqExactIf(event_id, outcome = 'failure') AS failures,
        uniqExactIf(event_id, break_glass OR channel = 'break-glass') AS break_glass,
        if(count() = 0, NULL, min(occurred_at)) AS first_at, if(count() = 0, NULL, max(occurred_at)) AS last_at
      FROM ${t.events}
      WHERE ${SUBJECT[subject]} = {subject:String} AND ${EVENT_WHERE} AND ${TOUCH_WHERE}`,
  });
}
export const actorSummaryQuery = summary("actor");
export const hostSummaryQuery = summary("host");

/** Breakdown of the subject's events by one other column (channel, host, actor, type). */
const BREAKDOWN = { channel: "channel", host: "host", actor: "actor_id", type: "type" } as const;
export type Breakdown = keyof typeof BREAKDOWN;

function breakdown(subject: Subject, by: Breakdown) {
  return defineQuery({
    name: `dashboard.profiles.${subject}_by_${by}`,
    params: subjectParams,
    row: z.object({ key: z.string(), events: count, sessions: count, channels: z.array(z.string()), first_at: chTime, last_at: chTime }),
    sql: (t) => `
      SELECT toString(${BREAKDOWN[by]}) AS key, uniqExact(event_id) AS events, uniqExactIf(session_id, session_id != '') AS sessions,
        arraySort(groupUniqArray(8)(channel)) AS channels, min(occurred_at) AS first_at, max(occurred_at) AS last_at
      FROM ${t.events}
      WHERE ${SUBJECT[subject]} = {subject:String} AND ${EVENT_WHERE} AND ${TOUCH_WHERE}
      GROUP BY key
      ORDER BY events DESC, key
      LIMIT 50`,
  });
}
export const actorByChannelQuery = breakdown("actor", "channel");
export const actorByHostQuery = breakdown("actor", "host");
export const hostByActorQuery = breakdown("host", "actor");
export const hostByChannelQuery = breakdown("host", "channel");

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

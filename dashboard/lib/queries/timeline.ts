import { z } from "zod";
import { defineQuery } from "../../../store/query";
import { chTime } from "./cells";
import { eventListRow } from "./events";
import { EVENT_WHERE, filterParams } from "./where";

/** A postmortem is read by people: 5,000 rows is hours of a busy fleet; past that the page says "narrow the window". */
export const TIMELINE_LIMIT = 5_000;

export const timelineEventsQuery = defineQuery({
  name: "dashboard.timeline.events",
  params: filterParams.extend({ limit: z.number().int().min(1).max(TIMELINE_LIMIT + 1) }),
  row: eventListRow.extend({ category: z.string(), grant_id: z.string(), ticket: z.string() }),
  sql: (t) => `
    SELECT event_id, occurred_at, type, category, actor_id, actor_kind, effective_user, channel, env, host, service, team, outcome,
      break_glass, session_id, grant_id, ticket,
      multiIf(command != '', command, path != '', path, resource != '', resource, package != '', concat(package, ' ', version_after), commit != '', concat(repo, '@', substring(commit, 1, 12)), reason) AS full_summary,
      substringUTF8(full_summary, 1, 300) AS summary, lengthUTF8(full_summary) AS summary_chars
    FROM ${t.events}
    WHERE ${EVENT_WHERE} AND category != 'audit'
    ORDER BY occurred_at, event_id
    LIMIT 1 BY event_id
    LIMIT {limit:UInt32}`,
});

/** Findings (detections) in the window, latest version of each. */
export const timelineFindingsQuery = defineQuery({
  name: "dashboard.timeline.findings",
  params: filterParams,
  row: z.object({
    finding_id: z.string(),
    occurred_at: chTime,
    detector: z.string(),
    severity: z.string(),
    title: z.string(),
    env: z.string(),
    host: z.string(),
    service: z.string(),
    actor_id: z.string(),
    status: z.string(),
  }),
  sql: (t) => `
    SELECT finding_id, occurred_at, detector, severity, title, env, host, service, actor_id, status
    FROM ${t.findings} FINAL
    WHERE occurred_at >= parseDateTime64BestEffort({from:String}, 3) AND occurred_at < parseDateTime64BestEffort({to:String}, 3)
      AND (empty({envs:Array(String)}) OR env IN {envs:Array(String)})
      AND (empty({services:Array(String)}) OR service IN {services:Array(String)})
      AND (empty({hosts:Array(String)}) OR host IN {hosts:Array(String)})
      AND (empty({actors:Array(String)}) OR actor_id IN {actors:Array(String)})
    ORDER BY occurred_at, finding_id
    LIMIT 1000`,
});

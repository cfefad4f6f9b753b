import { z } from "zod";
import { defineQuery } from "../../../store/query";
import { chTime, count } from "./cells";
import { EVENT_WHERE, filterParams } from "./where";

/** Command lines in the table are cut in SQL: a 100 kB line must not cross the wire for a 300-character cell. */
export const COMMAND_PREVIEW_CHARS = 300;

export const eventListRow = z.object({
  event_id: z.string(),
  occurred_at: chTime,
  type: z.string(),
  actor_id: z.string(),
  actor_kind: z.string(),
  effective_user: z.string(),
  channel: z.string(),
  env: z.string(),
  host: z.string(),
  service: z.string(),
  team: z.string(),
  outcome: z.string(),
  break_glass: z.boolean(),
  session_id: z.string(),
  summary: z.string(),
  summary_chars: count,
});
export type EventListRow = z.infer<typeof eventListRow>;

const LIST_COLUMNS = `event_id, occurred_at, type, actor_id, actor_kind, effective_user, channel, env, host, service, team, outcome, break_glass, session_id,
  multiIf(command != '', command, path != '', path, resource != '', resource, package != '', concat(package, ' ', version_after), commit != '', concat(repo, '@', substring(commit, 1, 12)), reason) AS full_summary,
  substringUTF8(full_summary, 1, ${COMMAND_PREVIEW_CHARS}) AS summary, lengthUTF8(full_summary) AS summary_chars`;

/**
 * One page of the explorer, newest first, keyset-paginated: the cursor is
 * the last row's (occurred_at, event_id), so page N costs the same as page
 * 1 and rows inserted meanwhile never shift a page (OFFSET does both wrong).
 * `LIMIT 1 BY event_id` drops a redelivered duplicate not yet merged away:
 * duplicates share the sort key, so they are adjacent in this order.
 */
/** "Before the end of time": the first page's cursor, so one query shape serves every page (DateTime64(3) ends in 2299). */
export const NO_CURSOR = { at: "2299-12-31T00:00:00.000Z", id: "" } as const;

export const eventPageQuery = defineQuery({
  name: "dashboard.events.page",
  params: filterParams.extend({ before_at: z.string(), before_id: z.string(), limit: z.number().int().min(1).max(10_001) }),
  row: eventListRow,
  sql: (t) => keysetPageSql(t.events, LIST_COLUMNS),
});

/**
 * A keyset page in two passes: the page's keys first, sorting only
 * (occurred_at, event_id) of the window, then the wide columns of those rows
 * alone. The sort key starts with env, so one pass sorted every column of
 * the whole window: 198 ms p50 for the 24 h first page at 10M events
 * against 63 ms in two passes (bench/dashboard, issue #13).
 */
function keysetPageSql(events: string, columns: string): string {
  const page = `
    WHERE ${EVENT_WHERE}
      AND (occurred_at, event_id) < (parseDateTime64BestEffort({before_at:String}, 3), {before_id:String})`;
  const order = `
    ORDER BY occurred_at DESC, event_id DESC
    LIMIT 1 BY event_id
    LIMIT {limit:UInt32}`;
  return `
    SELECT ${columns}
    FROM ${events}
    ${page}
      AND (occurred_at, event_id) IN (SELECT occurred_at, event_id FROM ${events} ${page} ${order})
    ${order}`;
}

export const eventCountQuery = defineQuery({
  name: "dashboard.events.count",
  params: filterParams,
  row: z.object({ events: count }),
  sql: (t) => `SELECT uniqExact(event_id) AS events FROM ${t.events} WHERE ${EVENT_WHERE}`,
});

/** The events of one session, in order (capped: a session of thousands of commands is summarised, not listed). */
export const sessionEventsQuery = defineQuery({
  name: "dashboard.events.session",
  params: z.object({ session_id: z.string().min(1), limit: z.number().int().min(1).max(5000) }),
  row: eventListRow,
  sql: (t) => `
    SELECT ${LIST_COLUMNS}
    FROM ${t.events}
    WHERE session_id = {session_id:String}
    ORDER BY occurred_at, event_id
    LIMIT 1 BY event_id
    LIMIT {limit:UInt32}`,
});

/** Events on the same host around a moment: what else happened there. */
export const aroundEventsQuery = defineQuery({
  name: "dashboard.events.around",
  params: z.object({ host: z.string(), at: z.string(), minutes: z.number().int().min(1).max(1440), limit: z.number().int().min(1).max(200) }),
  row: eventListRow,
  sql: (t) => `
    SELECT ${LIST_COLUMNS}
    FROM ${t.events}
    WHERE host = {host:String}
      AND occurred_at >= parseDateTime64BestEffort({at:String}, 3) - toIntervalMinute({minutes:UInt32})
      AND occurred_at <= parseDateTime64BestEffort({at:String}, 3) + toIntervalMinute({minutes:UInt32})
    ORDER BY abs(dateDiff('millisecond', occurred_at, parseDateTime64BestEffort({at:String}, 3))), event_id
    LIMIT 1 BY event_id
    LIMIT {limit:UInt32}`,
});

/** Export pages: every column, the same filter and order as the table, so an export is exactly the table's rows. */
export const eventExportPageQuery = defineQuery({
  name: "dashboard.events.export_page",
  params: filterParams.extend({ before_at: z.string(), before_id: z.string(), limit: z.number().int().min(1).max(10_000) }),
  row: z.record(z.string(), z.unknown()),
  sql: (t) => keysetPageSql(t.events, "*"),
});

/** One stored row, every column as stored: the drawer shows it even when it breaks the v1 contract (another writer, an old schema). */
export const eventRowByIdQuery = defineQuery({
  name: "dashboard.events.row_by_id",
  params: z.object({ id: z.string().min(1).max(256) }),
  row: z.record(z.string(), z.unknown()),
  sql: (t) => `SELECT * FROM ${t.events} WHERE event_id = {id:String} ORDER BY received_at LIMIT 1`,
});

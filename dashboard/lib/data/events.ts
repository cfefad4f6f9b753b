import { z } from "zod";
import type { AuditEvent } from "../../../schemas";
import type { Store } from "../../../store/open";
import { chTimeToIso, fromEventRow } from "../../../store/event-rows";
import { assertCan, authorize, type Viewer } from "../auth/permissions";
import type { Filters } from "../filters/schema";
import { aroundEventsQuery, eventCountQuery, eventExportPageQuery, eventPageQuery, eventRowByIdQuery, NO_CURSOR, sessionEventsQuery, type EventListRow } from "../queries/events";
import { toFilterParams } from "../queries/where";
import { rollupEventCountQuery } from "../queries/rollup-counts";
import { rollupServes, toRollupParams } from "../queries/rollup-window";

/** A keyset cursor: the last row's (occurred_at, event_id), opaque in the URL. */
export interface Cursor {
  at: string;
  id: string;
}

const cursorSchema = z.object({ at: z.string().datetime(), id: z.string().min(1).max(128) });

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString("base64url");
}

/** A cursor that does not decode is refused by name, not treated as "page 1" silently. */
export function decodeCursor(s: string): Cursor {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(s, "base64url").toString("utf8"));
  } catch {
    throw new BadCursorError();
  }
  const parsed = cursorSchema.safeParse(json);
  if (!parsed.success) throw new BadCursorError();
  return parsed.data;
}

export class BadCursorError extends Error {
  constructor() {
    super("the page cursor in the URL is not one this dashboard made; start from the first page");
    this.name = "BadCursorError";
  }
}

export interface EventPage {
  rows: EventListRow[];
  next: Cursor | null;
}

export const PAGE_SIZE = 100;

export async function listEvents(viewer: Viewer, store: Store, filters: Filters, options: { after?: Cursor | null; limit?: number } = {}): Promise<EventPage> {
  authorize(viewer, "events:read", filters);
  const limit = options.limit ?? PAGE_SIZE;
  const rows = await eventPageQuery(store, { ...toFilterParams(filters), before_at: options.after?.at ?? NO_CURSOR.at, before_id: options.after?.id ?? NO_CURSOR.id, limit: limit + 1 });
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { rows: page, next: rows.length > limit && last ? { at: last.occurred_at, id: last.event_id } : null };
}

export async function countEvents(viewer: Viewer, store: Store, filters: Filters): Promise<number> {
  authorize(viewer, "aggregates:read", filters);
  const params = toRollupParams(filters);
  // events_hourly holds every filter dimension but host, actor and text.
  const [row] = rollupServes(params, ["envs", "services", "teams", "channels", "types"])
    ? await rollupEventCountQuery(store, params)
    : await eventCountQuery(store, params);
  return row?.events ?? 0;
}

export interface EventDetail {
  /** Every stored field, absent ones (empty, NULL) left out, times in ISO 8601. */
  fields: Record<string, unknown>;
  /** Where the stored row breaks the v1 event contract; empty for a valid event. */
  contractIssues: string[];
  event: { event_id: string; type: string; actor_id: string; host: string; occurred_at: string; session_id: string };
  session: EventListRow[];
  around: EventListRow[];
}

const str = (v: unknown) => (typeof v === "string" ? v : "");

/** 200 session events and 10 minutes either side: enough context for the drawer; the timeline page has the rest. */
export async function getEventDetail(viewer: Viewer, store: Store, eventId: string): Promise<EventDetail | null> {
  assertCan(viewer, "events:read");
  const [row] = await eventRowByIdQuery(store, { id: eventId });
  if (!row) return null;
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (v === "" || v === null || (Array.isArray(v) && v.length === 0) || (k !== "break_glass" && v === false)) continue;
    fields[k] = (k === "occurred_at" || k === "received_at") && typeof v === "string" ? chTimeToIso(v) : v;
  }
  const contractIssues = contractProblems(row);
  const event = { event_id: str(fields.event_id), type: str(fields.type), actor_id: str(fields.actor_id), host: str(fields.host), occurred_at: str(fields.occurred_at), session_id: str(fields.session_id) };
  const [session, around] = await Promise.all([
    event.session_id ? sessionEventsQuery(store, { session_id: event.session_id, limit: 200 }) : Promise.resolve([]),
    event.host ? aroundEventsQuery(store, { host: event.host, at: event.occurred_at, minutes: 10, limit: 21 }) : Promise.resolve([]),
  ]);
  around.sort((a, b) => a.occurred_at.localeCompare(b.occurred_at) || a.event_id.localeCompare(b.event_id));
  return { fields, contractIssues, event, session, around };
}

/** Whether the stored row is a valid v1 event (fromEventRow validates and names what is wrong). */
function contractProblems(row: Record<string, unknown>): string[] {
  try {
    fromEventRow(row);
    return [];
  } catch (error) {
    return [error instanceof Error ? error.message : String(error)];
  }
}

/** 2,000 rows per page: one page of full rows (raw lines up to the redaction bound) stays a few MB in memory. */
export const EXPORT_PAGE = 2_000;

/**
 * Every event matching the filters, page by page, newest first: the same
 * filter and order as the table. The caller streams each page out before
 * the next is read.
 */
export async function* exportEvents(viewer: Viewer, store: Store, filters: Filters, pageSize = EXPORT_PAGE): AsyncGenerator<AuditEvent[]> {
  authorize(viewer, "events:export", filters);
  let after: Cursor | null = null;
  for (;;) {
    const rows: Array<Record<string, unknown>> = await eventExportPageQuery(store, { ...toFilterParams(filters), before_at: after?.at ?? NO_CURSOR.at, before_id: after?.id ?? NO_CURSOR.id, limit: pageSize });
    const events: AuditEvent[] = rows.map((row) => fromEventRow(row));
    if (events.length > 0) yield events;
    const last: AuditEvent | undefined = events[events.length - 1];
    if (events.length < pageSize || !last) return;
    after = { at: last.occurred_at, id: last.event_id };
  }
}

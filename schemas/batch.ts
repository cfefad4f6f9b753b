import { BATCH_LIMITS } from "./limits";
import { parseEvent } from "./parse";
import type { AuditEvent } from "./event";
import type { FieldIssue } from "./issues";

export interface RejectedEvent {
  index: number;
  event_id?: string;
  issues: FieldIssue[];
}

export type BatchParseResult =
  | { ok: true; events: AuditEvent[] }
  | { ok: false; rejected: RejectedEvent[]; accepted: number; issues?: FieldIssue[] };

/**
 * A batch as posted to the gateway: `{ "events": [ … ] }`. All or nothing:
 * if any event is bad the whole batch is refused with every bad event named,
 * so a producer never has to guess which part was stored.
 */
export function parseBatch(body: unknown): BatchParseResult {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return { ok: false, rejected: [], accepted: 0, issues: [{ field: "(root)", message: 'must be an object {"events": [...]}' }] };
  }
  const events: unknown = Reflect.get(body, "events");
  const extra = Object.keys(body).filter((k) => k !== "events");
  if (extra.length > 0) {
    return { ok: false, rejected: [], accepted: 0, issues: [{ field: "(root)", message: `unknown field(s): ${extra.join(", ")}` }] };
  }
  if (!Array.isArray(events)) {
    return { ok: false, rejected: [], accepted: 0, issues: [{ field: "events", message: "must be an array of events" }] };
  }
  if (events.length > BATCH_LIMITS.maxEvents) {
    return {
      ok: false,
      rejected: [],
      accepted: 0,
      issues: [{ field: "events", message: `at most ${BATCH_LIMITS.maxEvents} events per batch, got ${events.length}` }],
    };
  }
  const parsed: AuditEvent[] = [];
  const rejected: RejectedEvent[] = [];
  events.forEach((input: unknown, index) => {
    const result = parseEvent(input, `events[${index}]`);
    if (result.ok) parsed.push(result.event);
    else {
      const id: unknown = typeof input === "object" && input !== null ? Reflect.get(input, "event_id") : undefined;
      rejected.push({ index, ...(typeof id === "string" ? { event_id: id.slice(0, 128) } : {}), issues: result.issues });
    }
  });
  if (rejected.length > 0) return { ok: false, rejected, accepted: 0 };
  return { ok: true, events: parsed };
}

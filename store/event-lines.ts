import type { AuditEvent } from "../schemas";
import { hashOfStoredJson } from "./content-hash";
import { storedJson } from "./stored-json";

/** An event ready for the write path: its one serialisation and the content hash of it. */
export interface PreparedEvent {
  event: AuditEvent;
  /** storedJson(event): canonical, without received_at (store/stored-json.ts). */
  json: string;
  /** sha256 of `json` (store/content-hash.ts). */
  hash: string;
}

/** One serialisation and one hash per event; a caller that has the hashes already passes them. */
export function prepareEvents(events: readonly AuditEvent[], hashes?: readonly string[]): PreparedEvent[] {
  return events.map((event, i) => {
    const json = storedJson(event);
    return { event, json, hash: hashes?.[i] ?? hashOfStoredJson(json) };
  });
}

/**
 * JSONEachRow lines for `events`: each event's stored JSON with the two
 * columns ingest adds. The event's keys are the table's column names
 * (store/migrations/0001_events.sql); a column an event lacks takes the
 * table's default ('' for strings, NULL for Nullable numbers, [] and false),
 * which is what store/event-rows.ts's toEventRow writes explicitly.
 * attribution_confidence goes in rounded to 6 decimals (the hashed form):
 * the Float32 column reads back the same value either way.
 */
export function eventsTableLines(prepared: readonly PreparedEvent[], receivedAt: string, ver: number): string {
  const added = `"received_at":${JSON.stringify(receivedAt)},"ver":${ver}}\n`;
  let lines = "";
  for (const { json } of prepared) lines += json === "{}" ? `{${added}` : `${json.slice(0, -1)},${added}`;
  return lines;
}

/** JSONEachRow lines for `event_ids` (store/event-index.ts), in the same order. */
export function eventIdsTableLines(prepared: readonly PreparedEvent[], ver: number): string {
  let lines = "";
  for (const { event, hash } of prepared) {
    lines += `{"event_id":${JSON.stringify(event.event_id)},"content_hash":"${hash}","env":${JSON.stringify(event.env)},"occurred_at":${JSON.stringify(event.occurred_at)},"ver":${ver}}\n`;
  }
  return lines;
}

import { describeIssues, parseEvent, serverOnlyIssues, type AuditEvent } from "../../schemas";
import type { IncomingMessage } from "../kafka";

/** Why a message cannot become an event. Stable strings: they are metric labels and table values. */
export type DeadLetterReason = "empty" | "oversized" | "bad_json" | "schema_violation" | "server_only";

/**
 * Every message ends as exactly one of these. `dead` keeps the original
 * bytes for the DLQ and the dead_letters table; there is no silent drop
 * path for event messages (`drop` is reserved for messages that are not
 * ours, e.g. Kafka tombstones written by an operator's cleanup).
 */
export type Outcome =
  | { kind: "ok"; message: IncomingMessage; event: AuditEvent }
  | { kind: "dead"; message: IncomingMessage; reason: DeadLetterReason; detail: string }
  | { kind: "drop"; message: IncomingMessage; reason: "tombstone" };

export function classify(message: IncomingMessage, maxMessageBytes: number): Outcome {
  const value = message.value;
  if (value === null) return { kind: "drop", message, reason: "tombstone" };
  if (value.length === 0) return { kind: "dead", message, reason: "empty", detail: "message value is empty" };
  if (value.length > maxMessageBytes) {
    return { kind: "dead", message, reason: "oversized", detail: `${value.length} bytes exceeds the limit of ${maxMessageBytes}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(value.toString("utf8"));
  } catch (err) {
    return { kind: "dead", message, reason: "bad_json", detail: err instanceof Error ? err.message : String(err) };
  }
  const parsed = parseEvent(json);
  if (!parsed.ok) return { kind: "dead", message, reason: "schema_violation", detail: describeIssues(parsed.issues).slice(0, 2000) };
  // Records only the server writes (schemas/server-only.ts) never come through the topic: the server files its own directly.
  const serverOnly = serverOnlyIssues(parsed.event);
  if (serverOnly.length > 0) return { kind: "dead", message, reason: "server_only", detail: describeIssues(serverOnly).slice(0, 2000) };
  return { kind: "ok", message, event: parsed.event };
}

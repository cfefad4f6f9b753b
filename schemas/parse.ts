import { eventSchema, type AuditEvent } from "./event";
import { toFieldIssues, describeIssues, type FieldIssue } from "./issues";
import { EVENT_TYPES } from "./vocab";

export type ParseResult = { ok: true; event: AuditEvent } | { ok: false; issues: FieldIssue[] };

const KNOWN_TYPES: ReadonlySet<string> = new Set(EVENT_TYPES);

/**
 * Validate and normalise one event. Never throws on bad input: the result
 * names every bad field (`occurred_at: must be an RFC 3339 timestamp…`).
 */
export function parseEvent(input: unknown, fieldPrefix = ""): ParseResult {
  // An unknown `type` would otherwise surface as a bare "invalid union";
  // say which types exist instead.
  if (typeof input === "object" && input !== null && !Array.isArray(input)) {
    const type: unknown = Reflect.get(input, "type");
    if (typeof type !== "string" || !KNOWN_TYPES.has(type)) {
      const field = fieldPrefix === "" ? "type" : `${fieldPrefix}.type`;
      return { ok: false, issues: [{ field, message: `must be one of ${EVENT_TYPES.join(", ")}` }] };
    }
  }
  const result = eventSchema.safeParse(input);
  if (result.success) return { ok: true, event: result.data };
  return { ok: false, issues: toFieldIssues(result.error, fieldPrefix) };
}

/** Thrown by parseEventOrThrow; carries every field issue. */
export class EventValidationError extends Error {
  constructor(readonly issues: FieldIssue[]) {
    super(`invalid event: ${describeIssues(issues)}`);
    this.name = "EventValidationError";
  }
}

export function parseEventOrThrow(input: unknown): AuditEvent {
  const result = parseEvent(input);
  if (!result.ok) throw new EventValidationError(result.issues);
  return result.event;
}

import { z } from "zod";
import { eventSchema, type AuditEvent } from "./event";
import { toFieldIssues, describeIssues, type FieldIssue } from "./issues";
import { EVENT_TYPES } from "./vocab";
import { reservedLabelIssues } from "./fields";

export type ParseResult = { ok: true; event: AuditEvent } | { ok: false; issues: FieldIssue[] };

const KNOWN_TYPES: ReadonlySet<string> = new Set(EVENT_TYPES);

/**
 * Per type, the optional string fields. For them "" means absent: the store
 * keeps an absent string as '' and reads '' back as absent, so a collector
 * that signed `reason: ""` would see its signature fail after the round trip
 * unless both spellings are one value before anything is hashed or signed.
 */
const OPTIONAL_STRINGS: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  eventSchema.options.map((member) => {
    const keys = Object.entries(member.shape)
      .filter(([, field]) => field instanceof z.ZodOptional && field.unwrap() instanceof z.ZodString)
      .map(([key]) => key);
    return [member.shape.type.value, new Set(keys)];
  }),
);

function withoutEmptyOptionals(input: object, type: string): Record<string, unknown> {
  const optional = OPTIONAL_STRINGS.get(type);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) if (!(value === "" && optional?.has(key))) out[key] = value;
  return out;
}

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
  const normalised =
    typeof input === "object" && input !== null && !Array.isArray(input) ? withoutEmptyOptionals(input, String(Reflect.get(input, "type"))) : input;
  const reserved = typeof input === "object" && input !== null ? reservedLabelIssues(Reflect.get(input, "labels"), fieldPrefix === "" ? "labels" : `${fieldPrefix}.labels`) : [];
  const result = eventSchema.safeParse(normalised);
  if (result.success && reserved.length === 0) return { ok: true, event: result.data };
  return { ok: false, issues: [...reserved, ...(result.success ? [] : toFieldIssues(result.error, fieldPrefix))] };
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

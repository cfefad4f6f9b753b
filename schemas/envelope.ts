import { z } from "zod";
import { LIMITS } from "./limits";
import { eventIdSchema, digestSchema, ipSchema, labelsSchema, nonEmpty, str, timestampSchema } from "./fields";
import { ACTOR_KINDS, ATTRIBUTION_METHODS, CHANNELS, OUTCOMES, SEVERITIES } from "./vocab";

/**
 * The fields every v1 event has, whatever its type. Grouped as in
 * DESIGN.md: identity, time, who, through what, where, what happened,
 * provenance of the record, raw. Type-specific fields live in event.ts.
 *
 * Objects are strict: an unknown key is an error naming it, never silently
 * dropped, so a producer learns at once that a field it sends is not stored.
 */
export const envelopeShape = {
  // identity
  event_id: eventIdSchema,
  schema_version: z.literal(1, { message: "must be 1 (this server speaks schema v1)" }),

  // time
  occurred_at: timestampSchema,
  /** Set by the ingest side; a producer's value is overwritten. */
  received_at: timestampSchema.optional(),

  // who
  actor_id: nonEmpty(LIMITS.name),
  actor_kind: z.enum(ACTOR_KINDS),
  effective_user: str(LIMITS.name).optional(),
  impersonator: str(LIMITS.name).optional(),
  attribution_method: z.enum(ATTRIBUTION_METHODS),
  attribution_confidence: z.number().min(0).max(1),
  team: str(LIMITS.short).optional(),

  // through what
  channel: z.enum(CHANNELS),
  session_id: str(LIMITS.id).optional(),
  grant_id: str(LIMITS.id).optional(),
  break_glass: z.boolean().default(false),
  ticket: str(LIMITS.short).optional(),
  source_ip: ipSchema.optional(),
  user_agent: str(LIMITS.name).optional(),

  // where
  env: nonEmpty(LIMITS.short),
  host: nonEmpty(LIMITS.name),
  service: str(LIMITS.name).optional(),
  resource: str(LIMITS.path).optional(),
  labels: labelsSchema.default({}),

  // what happened
  outcome: z.enum(OUTCOMES),
  reason: str(LIMITS.text).optional(),
  severity: z.enum(SEVERITIES).default("info"),
  command: str(LIMITS.command).optional(),

  // provenance of the record (filled by collectors that sign at the source)
  collector_id: str(LIMITS.name).optional(),
  collector_version: str(LIMITS.short).optional(),
  seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  prev_hash: digestSchema.optional(),
  hash: digestSchema.optional(),
  sig: str(LIMITS.signature).optional(),

  // raw
  raw: str(LIMITS.raw).optional(),
} as const;

export const envelopeSchema = z.strictObject(envelopeShape);

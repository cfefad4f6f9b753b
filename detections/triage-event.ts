import { z } from "zod";
import { deriveEventId, LIMITS, parseEventOrThrow, type AuditEvent } from "../schemas";

/**
 * Every triage action is an audited record the server alone writes: an
 * `audit.view` whose resource starts with `finding:triage:` (listed in
 * schemas/server-only.ts, so no collector or API key can forge one), carrying
 * who, the action, the assignee and the note.
 */
export const TRIAGE_RESOURCE_PREFIX = "finding:triage:";
export const TRIAGE_ACTIONS = ["acknowledge", "resolve", "false_positive", "reopen", "assign", "suppress", "unsuppress"] as const;
export type TriageAction = (typeof TRIAGE_ACTIONS)[number];

export const triageActorSchema = z.strictObject({
  actorId: z.string().min(1).max(LIMITS.name),
  /** "dashboard-session" from the dashboard; "none" when self-declared on the CLI. */
  attributionMethod: z.enum(["dashboard-session", "none"]),
  sessionId: z.string().max(LIMITS.id).optional(),
  host: z.string().min(1).max(LIMITS.name),
});
export type TriageActor = z.input<typeof triageActorSchema>;

export function triageEvent(input: { actor: TriageActor; action: TriageAction; target: string; note: string; labels: Record<string, string> }, now = new Date()): AuditEvent {
  const a = triageActorSchema.parse(input.actor);
  const at = now.toISOString();
  return parseEventOrThrow({
    event_id: deriveEventId("finding.triage", input.action, input.target, a.actorId, at),
    schema_version: 1,
    type: "audit.view",
    occurred_at: at,
    actor_id: a.actorId,
    actor_kind: "human",
    attribution_method: a.attributionMethod,
    attribution_confidence: a.attributionMethod === "dashboard-session" ? 1 : 0.5,
    channel: a.attributionMethod === "dashboard-session" ? "dashboard" : "unknown",
    ...(a.sessionId ? { session_id: a.sessionId } : {}),
    env: "prodtrail",
    host: a.host,
    service: "prodtrail-detections",
    resource: `${TRIAGE_RESOURCE_PREFIX}${input.action}:${input.target}`.slice(0, LIMITS.path),
    outcome: "success",
    reason: input.note.slice(0, LIMITS.text),
    command: `finding ${input.action} ${input.target}`.slice(0, LIMITS.command),
    labels: { action: "triage", triage: input.action, ...input.labels },
  });
}

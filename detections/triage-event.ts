import { z } from "zod";
import { LIMITS, serverActionRecord, type AuditEvent } from "../schemas";

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
  return serverActionRecord(
    {
      kind: "finding.triage",
      idParts: [input.action, input.target],
      actorId: a.actorId,
      attributionMethod: a.attributionMethod,
      sessionId: a.sessionId,
      channel: a.attributionMethod === "dashboard-session" ? "dashboard" : "unknown",
      env: "prodtrail",
      host: a.host,
      service: "prodtrail-detections",
      resource: `${TRIAGE_RESOURCE_PREFIX}${input.action}:${input.target}`,
      reason: input.note,
      command: `finding ${input.action} ${input.target}`,
      labels: { action: "triage", triage: input.action, ...input.labels },
    },
    now,
  );
}

import { deriveEventId } from "./event-id";
import type { AuditEvent } from "./event";
import { LIMITS } from "./limits";
import { parseEventOrThrow } from "./parse";

/**
 * One server action as the audited record the server alone writes (see
 * server-only.ts): an `audit.view` on a resource naming the action, with who
 * did it and why. Drift acceptances (drift/accept.ts) and detection triage
 * (detections/triage-event.ts) are both this shape; each names its own
 * resource, service, command and id parts.
 */
export interface ServerActionInput {
  /** Parts of the deterministic event id, after the action kind: a retried write keeps its id. */
  idParts: ReadonlyArray<string | number>;
  kind: string;
  actorId: string;
  /** "dashboard-session" from the dashboard (confidence 1); "none" when self-declared on the CLI (0.5). */
  attributionMethod: "dashboard-session" | "none";
  sessionId?: string | undefined;
  channel: "dashboard" | "unknown";
  env: string;
  host: string;
  service: string;
  resource: string;
  reason: string;
  command: string;
  ticket?: string;
  labels?: Record<string, string>;
}

export function serverActionRecord(input: ServerActionInput, now = new Date()): AuditEvent {
  const at = now.toISOString();
  return parseEventOrThrow({
    event_id: deriveEventId(input.kind, ...input.idParts, input.actorId, at),
    schema_version: 1,
    type: "audit.view",
    occurred_at: at,
    actor_id: input.actorId,
    actor_kind: "human",
    attribution_method: input.attributionMethod,
    attribution_confidence: input.attributionMethod === "dashboard-session" ? 1 : 0.5,
    channel: input.channel,
    ...(input.sessionId ? { session_id: input.sessionId } : {}),
    ...(input.ticket !== undefined ? { ticket: input.ticket } : {}),
    env: input.env,
    host: input.host,
    service: input.service,
    resource: input.resource.slice(0, LIMITS.path),
    outcome: "success",
    reason: input.reason.slice(0, LIMITS.text),
    command: input.command.slice(0, LIMITS.command),
    ...(input.labels ? { labels: input.labels } : {}),
  });
}

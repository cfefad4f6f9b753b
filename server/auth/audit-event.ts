import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { deriveEventId, parseEvent, type AuditEvent } from "../../schemas";
import { LIMITS } from "../../schemas/limits";
import type { Viewer } from "../../dashboard/lib/auth/permissions";

/**
 * The audit.view event for one dashboard action: a page view, a search, an
 * export, or an admin change. It goes through the same Sink as collector
 * events (see dashboard/lib/audit.ts), so it is validated, deduplicated and
 * stored exactly like them and shows up in the explorer.
 */
export const AUDIT_ACTIONS = ["view", "search", "export", "admin"] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditInput {
  action: AuditAction;
  /** The dashboard path (`/events`, `/api/export/events`, `/admin/users`). */
  resource: string;
  /** Filters, export format, the admin change: what was looked at and how. */
  params?: Record<string, string>;
  /**
   * Set when the request was refused (a forbidden page, a 403 export, a
   * filter the role may not use): why. The record then says outcome
   * failure, severity medium: someone asked for what their role may not
   * read, which a reviewer wants to see.
   */
  refused?: string;
}

export class AuditEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AuditEventError";
  }
}

const HOST = hostname() || "prodtrail";

/** `k=v k2="v with space"`, sorted by key so the same filters read the same. */
function describe(params: Record<string, string>): string {
  return Object.keys(params)
    .sort()
    .filter((k) => params[k] !== undefined && params[k] !== "")
    .map((k) => {
      const v = params[k] ?? "";
      return `${k}=${/^[\w.:/@,+-]*$/.test(v) ? v : JSON.stringify(v)}`;
    })
    .join(" ");
}

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

export function buildAuditEvent(viewer: Viewer, input: AuditInput, now = new Date()): AuditEvent {
  const params = input.params ?? {};
  const filters = describe(params);
  const occurredAt = now.toISOString();
  // One event per action, never merged: the random part keeps two identical
  // views in the same millisecond apart, and a retried publish of this same
  // object keeps its id (the sink deduplicates on it).
  const eventId = deriveEventId("audit.view", viewer.sessionId, occurredAt, input.action, input.resource, randomBytes(8).toString("hex"));
  const parsed = parseEvent({
    event_id: eventId,
    schema_version: 1,
    type: "audit.view",
    occurred_at: occurredAt,
    actor_id: viewer.email,
    actor_kind: "human",
    attribution_method: "dashboard-session",
    attribution_confidence: 1,
    channel: "dashboard",
    session_id: viewer.sessionId,
    env: "prodtrail",
    host: clip(HOST, LIMITS.name),
    service: "dashboard",
    resource: clip(input.resource || "/", LIMITS.path),
    outcome: input.refused === undefined ? "success" : "failure",
    severity: input.refused === undefined ? "info" : "medium",
    command: clip(`${input.action} ${input.resource}${filters ? ` ${filters}` : ""}`, LIMITS.command),
    reason: clip(`${input.refused === undefined ? "" : `refused (${input.refused}): `}${filters ? `${input.action}: ${filters}` : input.action}`, LIMITS.text),
    labels: { action: input.action, role: viewer.role, ...(input.refused === undefined ? {} : { refused: "true" }) },
  });
  if (!parsed.ok) {
    throw new AuditEventError(`audit.view event for ${input.resource} is invalid: ${parsed.issues.map((i) => `${i.field}: ${i.message}`).join("; ")}`);
  }
  return parsed.event;
}

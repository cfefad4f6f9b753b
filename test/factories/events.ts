import { deriveEventId, parseEventOrThrow, type AuditEvent, type AuditEventInput, type EventType } from "../../schemas";

let counter = 0;

/**
 * A valid event of the given type with every required field filled, then
 * the overrides applied. Ids are unique per call unless overridden.
 */
export function makeEvent(overrides: Partial<Record<string, unknown>> & { type?: EventType } = {}): AuditEvent {
  counter += 1;
  const type = overrides.type ?? "access.login";
  const base: Record<string, unknown> = {
    event_id: deriveEventId("test", process.pid, Date.now(), counter, Math.random()),
    schema_version: 1,
    type,
    occurred_at: new Date(Date.now() - 60_000).toISOString(),
    actor_id: "alice@example.com",
    actor_kind: "human",
    attribution_method: "auth-log",
    attribution_confidence: 1,
    channel: "ssh",
    env: "test",
    host: "web-01",
    outcome: "success",
    ...typeSpecific(type),
  };
  return parseEventOrThrow({ ...base, ...overrides });
}

function typeSpecific(type: EventType): Record<string, unknown> {
  const blob = "a".repeat(40);
  switch (type) {
    case "access.grant":
      return { grant_id: "grant-1", channel: "break-glass", break_glass: true };
    case "change.file":
      return { path: "/etc/nginx/nginx.conf", op: "modify", after_hash: blob };
    case "change.package":
      return { package: "openssl", op: "upgrade", version_after: "3.0.15-1" };
    case "change.k8s":
      return { resource: "deployments/payments/api", op: "patch", channel: "kubectl" };
    case "codebase.commit":
      return { repo: "infra", commit: "b".repeat(40), files: [{ path: "nginx/nginx.conf", blob }], channel: "git" };
    case "deploy.release":
      return { repo: "infra", commit: "b".repeat(40), channel: "ci-deploy", actor_kind: "service" };
    case "audit.view":
      return { resource: "/access", channel: "dashboard" };
    default:
      return {};
  }
}

export function makeEvents(n: number, overrides: Partial<Record<string, unknown>> = {}): AuditEvent[] {
  return Array.from({ length: n }, () => makeEvent(overrides));
}

export type { AuditEventInput };

const HOUR_MS = 3_600_000;
/**
 * A start time 20 to 80 minutes in the past and ten minutes past its hour:
 * a burst of up to 40 minutes placed there never straddles an hour boundary,
 * where detections rightly make one finding per hour of an attack. For tests
 * that are about something else (storing once, the queue page).
 */
export function pastTimeClearOfHourBoundary(now = Date.now()): number {
  return Math.floor((now - HOUR_MS / 2) / HOUR_MS) * HOUR_MS + 10 * 60_000;
}

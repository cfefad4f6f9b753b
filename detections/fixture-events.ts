import { deriveEventId, parseEvent, type AuditEvent } from "../schemas";
import type { FixtureEvent } from "./fixture-schema";

/** What a fixture event need not say: a valid event of its type on `web-1` in `prod`. */
function defaults(type: string): Record<string, unknown> {
  const base = { schema_version: 1, actor_id: "alice", actor_kind: "human", attribution_method: "auth-log", attribution_confidence: 1, channel: "ssh", env: "prod", host: "web-1", outcome: "success" };
  const commit = "c".repeat(40);
  const perType: Record<string, Record<string, unknown>> = {
    "access.grant": { grant_id: "grant-1", channel: "break-glass", break_glass: true },
    "change.file": { path: "/etc/app.conf", op: "modify", after_hash: "a".repeat(40), channel: "unknown" },
    "change.package": { package: "openssl", op: "upgrade" },
    "change.k8s": { resource: "apps/deployments/prod/api", op: "patch", channel: "kubectl" },
    "codebase.commit": { repo: "infra", commit, files: [], channel: "git" },
    "deploy.release": { repo: "infra", commit, channel: "ci-deploy", actor_kind: "service", attribution_method: "ci-identity" },
    "audit.view": { resource: "/events", channel: "dashboard", attribution_method: "dashboard-session", env: "prodtrail", host: "prodtrail" },
  };
  return { ...base, ...(perType[type] ?? {}) };
}

export interface TimedEvent {
  event: AuditEvent;
  receivedAt: Date;
}

/** A fixture's events, `repeat` expanded; a bad one is refused naming the case, the entry and the field. */
export function expandFixtureEvents(caseName: string, events: readonly FixtureEvent[]): TimedEvent[] {
  const out: TimedEvent[] = [];
  events.forEach((spec, index) => {
    const { at, received_at, repeat, every_seconds, ...fields } = spec;
    for (let i = 0; i < repeat; i += 1) {
      const occurred = new Date(at.getTime() + i * every_seconds * 1000);
      // A given received_at is one batch: every repeat arrives then (a backfill, a replay).
      const received = received_at ?? occurred;
      const parsed = parseEvent({
        ...defaults(spec.type),
        event_id: deriveEventId("fixture", caseName, index, i),
        ...fields,
        occurred_at: occurred.toISOString(),
      });
      if (!parsed.ok) throw new Error(`case "${caseName}", event ${index}: ${parsed.issues.map((x) => `${x.field}: ${x.message}`).join("; ")}`);
      out.push({ event: parsed.event, receivedAt: received });
    }
  });
  return out;
}

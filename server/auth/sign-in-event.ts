import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { isIP } from "node:net";
import { deriveEventId, parseEvent, type AuditEvent } from "../../schemas";
import { LIMITS } from "../../schemas/limits";

/**
 * Sign-ins to the dashboard are production access too: each success is an
 * `access.login` and each refusal an `access.login_failed` on channel
 * `dashboard`, published through the same Sink as everything else, so the
 * overview's "failed logins" and the explorer include people probing the
 * audit tool itself. Sign-outs are `access.logout` with the session's length.
 */
export interface SignInEventInput {
  /** "logout": the person signed out (access.logout, with the session's length). */
  outcome: "success" | "failure" | "logout";
  /** The email as typed (failures) or the user's (success). */
  email: string;
  method: "password" | "oidc";
  sourceIp: string;
  userAgent: string;
  /** The new session's public id (success only). */
  sessionId?: string;
  /** Why it failed: "invalid credentials", "locked out", "disabled". */
  reason?: string;
  /** Sign-out: how long the session lasted. */
  durationS?: number;
}

const HOST = hostname() || "prodtrail";

/** IPv4-mapped IPv6 (::ffff:127.0.0.1) as plain IPv4; anything not an address is left out. */
export function normaliseIp(ip: string): string | undefined {
  const plain = ip.startsWith("::ffff:") && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
  return isIP(plain) ? plain : undefined;
}

export function buildSignInEvent(input: SignInEventInput, now = new Date()): AuditEvent {
  const occurredAt = now.toISOString();
  const success = input.outcome !== "failure";
  const type = input.outcome === "success" ? "access.login" : input.outcome === "logout" ? "access.logout" : "access.login_failed";
  const ip = normaliseIp(input.sourceIp);
  const parsed = parseEvent({
    event_id: deriveEventId("dashboard.signin", occurredAt, input.email, randomBytes(8).toString("hex")),
    schema_version: 1,
    type,
    ...(input.durationS !== undefined ? { duration_s: Math.max(0, Math.round(input.durationS)) } : {}),
    occurred_at: occurredAt,
    actor_id: input.email.slice(0, LIMITS.name) || "(empty)",
    actor_kind: "human",
    // A refused attempt names whoever the typed email claims to be: nothing attributes it.
    attribution_method: success ? "dashboard-session" : "none",
    attribution_confidence: success ? 1 : 0,
    channel: "dashboard",
    ...(input.sessionId ? { session_id: input.sessionId } : {}),
    ...(ip ? { source_ip: ip } : {}),
    ...(input.userAgent ? { user_agent: input.userAgent.slice(0, LIMITS.name) } : {}),
    env: "prodtrail",
    host: HOST.slice(0, LIMITS.name),
    service: "dashboard",
    resource: "/signin",
    outcome: success ? "success" : "failure",
    severity: success ? "info" : "low",
    reason: (input.reason ?? (input.outcome === "logout" ? "signed out" : `sign-in with ${input.method}`)).slice(0, LIMITS.text),
    labels: { method: input.method },
  });
  if (!parsed.ok) throw new Error(`sign-in event is invalid: ${parsed.issues.map((i) => `${i.field}: ${i.message}`).join("; ")}`);
  return parsed.event;
}

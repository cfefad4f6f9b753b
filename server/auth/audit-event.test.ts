import { describe, expect, it } from "vitest";
import { parseEvent } from "../../schemas";
import { buildAuditEvent } from "./audit-event";
import { buildSignInEvent, normaliseIp } from "./sign-in-event";

const viewer = { userId: "u1", email: "alice@example.com", name: "Alice", role: "analyst" as const, sessionId: "0123456789abcdef" };

describe("audit.view events", () => {
  it("carry who, which session, what and how, per the v1 schema", () => {
    const e = buildAuditEvent(viewer, { action: "export", resource: "/api/export/events", params: { format: "csv", env: "prod", actor: "bob smith" } });
    expect(parseEvent(e).ok).toBe(true);
    expect(e).toMatchObject({
      type: "audit.view", category: "audit", channel: "dashboard", actor_id: "alice@example.com", actor_kind: "human",
      attribution_method: "dashboard-session", attribution_confidence: 1, session_id: "0123456789abcdef", env: "prodtrail",
      resource: "/api/export/events", outcome: "success", labels: { action: "export", role: "analyst" },
    });
    expect(e.command).toBe('export /api/export/events actor="bob smith" env=prod format=csv');
    expect(e.host.length).toBeGreaterThan(0);
  });

  it("records a refused request as a failure saying why", () => {
    const e = buildAuditEvent(viewer, { action: "export", resource: "/api/v1/export", params: { q: "secret" }, refused: "analyst may not events:export" });
    expect(parseEvent(e).ok).toBe(true);
    expect(e).toMatchObject({ outcome: "failure", severity: "medium", labels: { action: "export", refused: "true" } });
    expect(e.reason).toBe("refused (analyst may not events:export): export: q=secret");
  });

  it("gets a fresh id per action, even for identical views", () => {
    const a = buildAuditEvent(viewer, { action: "view", resource: "/" });
    const b = buildAuditEvent(viewer, { action: "view", resource: "/" });
    expect(a.event_id).not.toBe(b.event_id);
  });

  it("bounds huge filter values instead of failing the page", () => {
    const e = buildAuditEvent(viewer, { action: "search", resource: "/events", params: { q: "x".repeat(50_000) } });
    expect(e.command?.length).toBeLessThanOrEqual(8192);
    expect(parseEvent(e).ok).toBe(true);
  });
});

describe("dashboard sign-in events", () => {
  it("records failures unattributed and successes with the session", () => {
    const failed = buildSignInEvent({ outcome: "failure", email: "mallory@example.com", method: "password", sourceIp: "::ffff:10.0.0.7", userAgent: "curl", reason: "invalid credentials" });
    expect(failed).toMatchObject({ type: "access.login_failed", outcome: "failure", attribution_method: "none", attribution_confidence: 0, source_ip: "10.0.0.7", channel: "dashboard" });
    const ok = buildSignInEvent({ outcome: "success", email: "alice@example.com", method: "oidc", sourceIp: "", userAgent: "", sessionId: "abcd" });
    expect(ok).toMatchObject({ type: "access.login", session_id: "abcd", labels: { method: "oidc" } });
    expect(ok).not.toHaveProperty("source_ip");
    expect(normaliseIp("not an ip")).toBeUndefined();
    const out = buildSignInEvent({ outcome: "logout", email: "alice@example.com", method: "password", sourceIp: "127.0.0.1", userAgent: "", sessionId: "abcd", durationS: 61.4 });
    expect(out).toMatchObject({ type: "access.logout", duration_s: 61, session_id: "abcd", outcome: "success", reason: "signed out" });
  });
});

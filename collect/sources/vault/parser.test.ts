import { describe, expect, it } from "vitest";
import type { AuditEvent } from "../../../schemas";
import { runFixture, testContext } from "../testdata/load";
import { compileGlob } from "../../../lib/glob";
import { VaultParser } from "./parser";

type Grant = Extract<AuditEvent, { type: "access.grant" }>;
const grants = (events: AuditEvent[]): Grant[] => events.filter((e): e is Grant => e.type === "access.grant");
const options = { breakGlassPaths: ["secret/data/breakglass/*", "database/creds/prod-admin"] };

describe("vault parser: audit device fixture", () => {
  const parser = new VaultParser(testContext(), options);
  const events = grants(runFixture(parser, "vault-audit.jsonl"));

  it("makes one break-glass grant per request/response pair", () => {
    expect(events.map((e) => [e.resource, e.actor_id, e.outcome])).toEqual([
      ["secret/data/breakglass/prod-db", "oidc-alice@example.com", "success"],
      ["database/creds/prod-admin", "userpass-bob", "success"],
      ["secret/data/breakglass/prod-db", "token", "failure"],
      ["/secret/data/breakglass/payments", "oidc-alice@example.com", "success"],
      ["database/creds/prod-admin", "userpass-bob", "unknown"],
    ]);
    expect(events.every((e) => e.break_glass && e.channel === "break-glass")).toBe(true);
  });

  it("uses the request id as grant without a lease, and the lease with its duration when there is one", () => {
    expect(events[0]).toMatchObject({
      grant_id: "6f1c7a2e-0000-4000-8000-00000000aa01",
      occurred_at: "2026-11-22T08:10:00.123Z",
      actor_kind: "human",
      attribution_method: "vault-entity",
      attribution_confidence: 1,
      source_ip: "10.0.0.5",
      labels: { operation: "read", entity_id: "8a1b2c3d-0000-4000-8000-000000000001", policies: "default,breakglass" },
    });
    expect(events[0]?.duration_s).toBeUndefined();
    expect(events[1]).toMatchObject({ grant_id: "database/creds/prod-admin/Xy12AbCdEfGh34IjKlMn", duration_s: 3600 });
  });

  it("records a denied read as a failure with Vault's error, and a display name without entity at 0.9", () => {
    expect(events[2]).toMatchObject({ reason: "1 error occurred:\n\t* permission denied", attribution_confidence: 0.9, actor_kind: "unknown", source_ip: "192.0.2.44" });
  });

  it("skips other reads and health checks by default and counts malformed lines", () => {
    expect(events.some((e) => e.resource === "secret/data/app/config")).toBe(false);
    expect(parser.stats.ignored).toBe(3);
    expect(parser.stats.unparsed).toBe(2);
    expect(parser.stats.invalid).toBe(0);
  });

  it("gives the same id whichever half of the pair builds the event", () => {
    const lines = runFixture(new VaultParser(testContext(), options), "vault-audit.jsonl");
    expect(lines.map((e) => e.event_id)).toEqual(events.map((e) => e.event_id));
    const responseOnly = new VaultParser(testContext(), options);
    const fromRequest = events[4]?.event_id;
    const req = JSON.stringify({ time: "2026-11-22T08:15:00Z", type: "response", request: { id: "6f1c7a2e-0000-4000-8000-00000000aa07", path: "database/creds/prod-admin", operation: "read" } });
    expect(responseOnly.push(req, { file: "v", offset: 0 })[0]?.event_id).toBe(fromRequest);
  });
});

describe("vault parser: other reads as grants", () => {
  it("emits non-break-glass reads as plain vault grants when configured", () => {
    const events = grants(runFixture(new VaultParser(testContext(), { ...options, otherReads: "grant" }), "vault-audit.jsonl"));
    const app = events.find((e) => e.resource === "secret/data/app/config");
    expect(app).toMatchObject({ break_glass: false, channel: "vault", actor_id: "approle", actor_kind: "service" });
    expect(app?.raw).toContain("hmac-sha256:");
  });
});

describe("vault path globs", () => {
  it.each([
    ["secret/data/breakglass/*", "secret/data/breakglass/db", true],
    ["secret/data/breakglass/*", "secret/data/breakglass/a/b", false],
    ["secret/data/breakglass/**", "secret/data/breakglass/a/b", true],
    ["database/creds/prod-admin", "database/creds/prod-admin2", false],
    ["kv/a.b", "kv/aXb", false],
  ])("%s matches %s: %s", (glob, path, expected) => {
    expect(compileGlob(glob).test(path)).toBe(expected);
  });
});

import { describe, expect, it } from "vitest";
import type { AuditEvent } from "../../../schemas";
import { loadFixture, runFixture, testContext } from "../testdata/load";
import { VaultParser } from "./parser";

type Grant = Extract<AuditEvent, { type: "access.grant" }>;
const PATH = "secret/data/cloud_credentials/rotation/*";
const [real] = loadFixture("real/openbao-vault-audit.jsonl").lines;

/** The real request line with another token's identity: what a JWT or OIDC login's token shows in the audit log. */
function asIdentity(displayName: string, metadata: Record<string, string>): string {
  const entry: unknown = JSON.parse(real?.text ?? "{}");
  if (typeof entry !== "object" || entry === null || !("auth" in entry) || typeof entry.auth !== "object" || entry.auth === null) throw new Error("fixture lacks auth");
  return JSON.stringify({ ...entry, auth: { ...entry.auth, display_name: displayName, metadata } });
}

function grantOf(line: string): Grant | undefined {
  const parser = new VaultParser(testContext(), { breakGlassPaths: [PATH] });
  return [...parser.push(line, { file: "v", offset: 0 }), ...parser.flush()].find((e): e is Grant => e.type === "access.grant");
}

describe("vault parser: machine auth methods are services", () => {
  it("reads a real AppRole request (OpenBao 2.6.2 capture) as a service", () => {
    expect(grantOf(real?.text ?? "")).toMatchObject({ actor_id: "approle", actor_kind: "service", attribution_confidence: 1, labels: { entity_id: "5cb4e785-fe8a-5d82-b991-31e74980d2b8" } });
  });

  it("classes a JWT workload (a Terraform Cloud run's workload identity, constructed) as a service, with its role", () => {
    const tfc = asIdentity("jwt-organization:acme:project:Default:workspace:prod-network:run_phase:apply", { role: "tfc-prod" });
    expect(grantOf(tfc)).toMatchObject({ actor_kind: "service", labels: { auth_role: "tfc-prod" } });
  });

  it("keeps a JWT login that names a person by e-mail (an exchanged OIDC token) as human", () => {
    expect(grantOf(asIdentity("jwt-alice@bc.example", { role: "deployer" }))).toMatchObject({ actor_kind: "human" });
  });

  it("keeps an interactive OIDC login as human", () => {
    expect(grantOf(asIdentity("oidc-alice@example.com", {}))).toMatchObject({ actor_kind: "human" });
  });
});

describe("vault parser: audit files as operators keep them", () => {
  it("reads pretty-printed (multi-line) entries, e.g. a file passed through `jq .` (constructed from the real line)", () => {
    const parser = new VaultParser(testContext(), { breakGlassPaths: [PATH] });
    const events = runFixture(parser, "constructed/vault-audit-pretty.json");
    expect(events).toMatchObject([{ type: "access.grant", actor_id: "approle", outcome: "success", grant_id: "c85c8c0a-fe1e-1905-3969-05389499a36e" }]);
    expect(parser.stats.unparsed).toBe(0);
  });

  it("pairs a request and response that carry no request id, with a stable id", () => {
    const run = () => runFixture(new VaultParser(testContext(), { breakGlassPaths: [PATH] }), "constructed/vault-audit-no-id.jsonl");
    const events = run();
    expect(events).toMatchObject([{ type: "access.grant", actor_id: "approle", outcome: "success", occurred_at: "2026-09-09T06:12:11.937Z" }]);
    expect(run().map((e) => e.event_id)).toEqual(events.map((e) => e.event_id));
  });
});

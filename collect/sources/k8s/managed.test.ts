import { describe, expect, it } from "vitest";
import { runFixture, testContext } from "../testdata/load";
import { K8sParser } from "./parser";

/** Managed control planes export the audit log wrapped (fixtures: constructed envelopes, see testdata/real/SOURCE). */
describe("k8s audit parser: AKS diagnostic-settings envelope", () => {
  const parser = new K8sParser(testContext());
  const events = runFixture(parser, "constructed/aks-kube-audit.json");

  it("unwraps kube-audit and kube-audit-admin records (Falco's real events inside) and skips other categories", () => {
    expect(events.map((e) => [e.type, e.actor_id, e.resource])).toEqual([
      ["access.exec", "minikube-user", "core/pods/default/nginx-deployment-7998647bdf-phvq7/exec"],
      ["change.k8s", "minikube-user", "core/namespaces/-/foo"],
    ]);
    expect(parser.stats.unparsed).toBe(0);
  });
});

describe("k8s audit parser: GKE Cloud Audit Logs entries", () => {
  const parser = new K8sParser(testContext());
  const events = runFixture(parser, "constructed/gke-audit.jsonl");

  it("translates protoPayload (method, resource name, principal, caller, status) into the same events", () => {
    expect(events).toMatchObject([
      { type: "access.exec", actor_id: "alice@acme.example", resource: "core/pods/payments/api-7d9f/exec", source_ip: "203.0.113.9", outcome: "success", occurred_at: "2026-11-22T08:20:00.123Z" },
      { type: "change.k8s", op: "delete", actor_id: "bob@acme.example", resource: "core/namespaces/-/scratch", outcome: "failure", labels: { status: "403" } },
    ]);
    expect(parser.stats.unparsed).toBe(0);
  });
});

import { describe, expect, it } from "vitest";
import type { AuditEvent } from "../../../schemas";
import { loadFixture, runFixture, testContext } from "../testdata/load";
import { K8sParser } from "./parser";

describe("k8s audit parser", () => {
  const parser = new K8sParser(testContext());
  const events = runFixture(parser, "k8s-audit.jsonl");
  const execs = events.filter((e) => e.type === "access.exec");
  const changes = events.filter((e): e is Extract<AuditEvent, { type: "change.k8s" }> => e.type === "change.k8s");

  it("turns an exec into access.exec with the URL-decoded command, redacted", () => {
    expect(execs[0]).toMatchObject({
      actor_id: "alice@example.com",
      actor_kind: "human",
      attribution_method: "k8s-user",
      attribution_confidence: 1,
      channel: "kubectl",
      resource: "core/pods/payments/api-7d9f/exec",
      command: "sh -c 'psql \"postgres://admin:[REDACTED]@db:5432/pay\"'",
      occurred_at: "2026-11-22T08:20:00.123Z",
      outcome: "success",
      source_ip: "10.0.0.5",
      user_agent: "kubectl/v1.31.2 (linux/amd64) kubernetes/5864a46",
      labels: { subresource: "exec", container: "api", namespace: "payments", status: "101" },
    });
    expect(execs[0]?.raw).not.toContain("s3cr3t");
  });

  it("counts only ResponseComplete and drops a repeated auditID", () => {
    expect(events.filter((e) => e.labels.verb === "patch")).toHaveLength(1);
    expect(execs.filter((e) => e.labels.subresource === "exec")).toHaveLength(1);
  });

  it("records writes by people as change.k8s with the object reference", () => {
    expect(changes.map((c) => [c.op, c.resource, c.actor_id, c.outcome])).toEqual([
      ["patch", "apps/deployments/payments/api", "alice@example.com", "success"],
      ["delete", "core/secrets/payments/db-creds", "bob@example.com", "success"],
      ["create", "core/configmaps/kube-system/-", "carol@example.com", "failure"],
      ["create", "rbac.authorization.k8s.io/clusterrolebindings/-/alice-admin", "alice@example.com", "success"],
    ]);
    expect(changes[2]?.reason).toContain("cannot create resource");
  });

  it("keeps the requester as actor and the impersonated user as effective user, and never keeps request bodies", () => {
    expect(changes[1]).toMatchObject({ actor_id: "bob@example.com", effective_user: "ops-admin" });
    expect(changes[1]?.raw).toContain('"requestObject":"[omitted]"');
    expect(changes[1]?.raw).not.toContain("aHVudGVyMg==");
  });

  it("skips controllers' writes and reads, but keeps a service account's port-forward", () => {
    expect(events.some((e) => e.actor_id.startsWith("system:serviceaccount:kube-system"))).toBe(false);
    expect(events.some((e) => e.labels.verb === "get")).toBe(false);
    expect(execs.find((e) => e.labels.subresource === "portforward")).toMatchObject({ actor_kind: "service", labels: { ports: "5432" } });
    expect(execs.find((e) => e.labels.subresource === "attach")?.command).toBeUndefined();
  });

  it("counts malformed entries and lines", () => {
    expect(parser.stats.unparsed).toBe(3);
    expect(parser.stats.invalid).toBe(0);
  });

  it("derives ids from auditID: the same event in another file or webhook body keeps its id", () => {
    const again = runFixture(new K8sParser(testContext()), "k8s-audit.jsonl");
    expect(again.map((e) => e.event_id)).toEqual(events.map((e) => e.event_id));
    const line = loadFixture("k8s-audit.jsonl").lines[3]?.text ?? "";
    const body = JSON.stringify({ kind: "EventList", items: [JSON.parse(line)] });
    expect(new K8sParser(testContext()).push(body, { file: "webhook", offset: 0 })[0]?.event_id).toBe(changes[0]?.event_id);
  });

  it("lets the operator name other automation users", () => {
    const strict = runFixture(new K8sParser(testContext(), { serviceUsers: ["system:*", "bob@*"] }), "k8s-audit.jsonl");
    expect(strict.some((e) => e.type === "change.k8s" && e.actor_id === "bob@example.com")).toBe(false);
  });
});

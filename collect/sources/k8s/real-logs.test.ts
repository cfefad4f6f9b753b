import { describe, expect, it } from "vitest";
import type { AuditEvent } from "../../../schemas";
import { loadFixture, runFixture, testContext } from "../testdata/load";
import { K8sParser } from "./parser";

/** Falco's recorded Kubernetes audit traces and a real interactive exec (testdata/real/SOURCE). */
describe("k8s audit parser: Falco's audit traces", () => {
  const parser = new K8sParser(testContext());
  const events = runFixture(parser, "real/falco-k8s-audit.jsonl");
  const changes = events.filter((e): e is Extract<AuditEvent, { type: "change.k8s" }> => e.type === "change.k8s");
  const execs = events.filter((e) => e.type === "access.exec");

  it("keeps a write by system:anonymous, as an unknown actor, never a service", () => {
    expect(changes[0]).toMatchObject({ op: "create", actor_id: "system:anonymous", actor_kind: "unknown", source_ip: "192.168.99.1" });
  });

  it("gives a namespace one id on create and on delete", () => {
    expect(changes.map((c) => [c.op, c.resource])).toEqual([
      ["create", "core/namespaces/-/foo"],
      ["delete", "core/namespaces/-/foo"],
    ]);
  });

  it("records exec and attach at ResponseStarted: a long interactive session logs nothing else until it ends", () => {
    expect(execs.map((e) => [e.labels.subresource, e.actor_id, e.command ?? null, e.labels.status])).toEqual([
      ["exec", "minikube-user", "bash", "101"],
      ["attach", "minikube-user", null, "101"],
    ]);
    expect(execs[0]).toMatchObject({ resource: "core/pods/default/nginx-deployment-7998647bdf-phvq7/exec", occurred_at: "2018-10-26T13:38:34.867Z" });
  });

  it("drops a repeated auditID (Falco's some-user trace reuses the anonymous one)", () => {
    expect(events).toHaveLength(4);
  });
});

describe("k8s audit parser: one event per session, at the first stage seen", () => {
  const [started] = loadFixture("real/thm-k8s-exec.jsonl").lines;
  const line = started?.text ?? "";

  it("reads the real ResponseStarted of an interactive `kubectl exec -it … /bin/sh`", () => {
    const [e] = new K8sParser(testContext()).push(line, { file: "a", offset: 0 });
    expect(e).toMatchObject({ type: "access.exec", actor_id: "mayor-malware", command: "/bin/sh", resource: "core/pods/wareville/morality-checker/exec", labels: { container: "kubectl-container" } });
  });

  it("does not record the same exec again when its ResponseComplete arrives (stage rewritten here: constructed)", () => {
    const parser = new K8sParser(testContext());
    const first = parser.push(line, { file: "a", offset: 0 });
    const complete = parser.push(line.replace('"stage":"ResponseStarted"', '"stage":"ResponseComplete"'), { file: "a", offset: 900 });
    expect(first).toHaveLength(1);
    expect(complete).toEqual([]);
  });
});

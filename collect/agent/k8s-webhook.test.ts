import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Signer } from "../sign";
import { Spool } from "../spool";
import { decodeEvent } from "./codec";
import { K8sWebhook } from "./k8s-webhook";
import { Pipeline } from "./pipeline";
import { quiet, tempDir } from "./testing";

const ctx = { collectorId: "cp-01", host: "cp-01", env: "prod", now: () => new Date() };
const exec = (auditID: string): object => ({
  kind: "Event", apiVersion: "audit.k8s.io/v1", level: "Metadata", auditID, stage: "ResponseComplete",
  requestURI: "/api/v1/namespaces/prod/pods/web-1/exec?command=sh&container=web&stdin=true&tty=true",
  verb: "create", user: { username: "alice@example.com", groups: ["system:authenticated"] }, sourceIPs: ["10.0.0.7"],
  objectRef: { resource: "pods", namespace: "prod", name: "web-1", apiVersion: "v1", subresource: "exec" },
  responseStatus: { metadata: {}, code: 101 },
  requestReceivedTimestamp: "2026-11-22T07:00:00.000000Z", stageTimestamp: "2026-11-22T07:00:01.000000Z",
});
const list = (...ids: string[]): string => JSON.stringify({ kind: "EventList", apiVersion: "audit.k8s.io/v1", items: ids.map(exec) });

const open: Array<{ close(): Promise<unknown> }> = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function setup(maxBodyBytes = 64 * 1024): Promise<{ hook: K8sWebhook; spool: Spool }> {
  const dir = await tempDir("k8s");
  const spool = await Spool.open({ dir: join(dir, "spool"), segmentBytes: 64 * 1024, maxBytes: 1024 * 1024 }, { log: quiet });
  open.push(spool);
  const signer = await Signer.open({ stateDir: join(dir, "sign"), collectorId: ctx.collectorId, log: quiet });
  const hook = await K8sWebhook.listen({ host: "127.0.0.1", port: 0, maxBodyBytes, ctx, pipeline: new Pipeline(signer, spool, 32 * 1024, quiet), log: quiet });
  open.push(hook);
  return { hook, spool };
}

async function spooled(spool: Spool): Promise<string[]> {
  const out: string[] = [];
  for (let b = await spool.readBatch(); b !== null; b = await spool.readBatch()) out.push(...b.records.map((r) => decodeEvent(r).type));
  return out;
}

describe("k8s audit webhook", () => {
  it("answers 200 once the EventList's events are spooled, and takes a resent batch again (never dropped as already seen)", async () => {
    const { hook, spool } = await setup();
    const body = list("a1b2c3d4-0000-4000-8000-000000000001", "a1b2c3d4-0000-4000-8000-000000000002");
    const first = await fetch(hook.url, { method: "POST", body });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ accepted: 2 });
    // The API server resends a batch whose answer it did not get: the events are spooled again (same ids; the store deduplicates).
    expect((await fetch(hook.url, { method: "POST", body })).status).toBe(200);
    expect(await spooled(spool)).toEqual(["access.exec", "access.exec", "access.exec", "access.exec"]);
  });

  it("refuses what is not an EventList (400), a body over the limit (413) and anything but POST (405)", async () => {
    const { hook, spool } = await setup(2048);
    const bad = await fetch(hook.url, { method: "POST", body: "{not json" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: expect.stringContaining("not JSON") });
    expect((await fetch(hook.url, { method: "POST", body: list(...Array.from({ length: 10 }, (_, i) => `a1b2c3d4-0000-4000-8000-00000000001${i}`)) })).status).toBe(413);
    expect((await fetch(hook.url)).status).toBe(405);
    expect(await spooled(spool)).toEqual([]);
    expect(hook.stats.unparsed).toBe(1);
  });
});

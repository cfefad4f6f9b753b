import { appendFile, readFile, readdir } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestStore, type TestStore } from "../../test/store";
import { startAgent } from "./agent";
import { agentConfig, authLines, gateway, quiet, stream, tempDir, waitFor } from "./testing";

let store: TestStore;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(async () => {
  await store.drop();
});

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const a = srv.address();
  await new Promise<void>((r) => srv.close(() => r()));
  if (a === null || typeof a === "string") throw new Error("no port");
  return a.port;
}

const eventList = (id: string): string =>
  JSON.stringify({
    kind: "EventList", apiVersion: "audit.k8s.io/v1",
    items: [{
      kind: "Event", apiVersion: "audit.k8s.io/v1", level: "Metadata", auditID: id, stage: "ResponseComplete",
      requestURI: "/api/v1/namespaces/prod/pods/web-1/exec?command=sh&container=web&stdin=true&tty=true",
      verb: "create", user: { username: "alice@example.com", groups: ["system:authenticated"] }, sourceIPs: ["10.0.0.7"],
      objectRef: { resource: "pods", namespace: "prod", name: "web-1", apiVersion: "v1", subresource: "exec" },
      responseStatus: { metadata: {}, code: 101 },
      requestReceivedTimestamp: "2026-11-22T07:00:00.000000Z", stageTimestamp: "2026-11-22T07:00:01.000000Z",
    }],
  });

/** Committed offset of the auth.log tail state (bytes read and durable). */
async function committedOffset(stateDir: string): Promise<number> {
  const dir = join(stateDir, "tail");
  const [file] = (await readdir(dir)).filter((f) => f.startsWith("auth-") && f.endsWith(".json"));
  const state: unknown = JSON.parse(await readFile(join(dir, file ?? ""), "utf8"));
  const files = typeof state === "object" && state !== null && "files" in state && Array.isArray(state.files) ? state.files : [];
  return files.reduce((m: number, f: unknown) => Math.max(m, typeof f === "object" && f !== null && "offset" in f && typeof f.offset === "number" ? f.offset : 0), 0);
}

describe("spool full → sources paused, nothing dropped", () => {
  it("stops reading and answers the k8s webhook 503 while full; resumes and delivers everything once the sink is back", async () => {
    const dir = await tempDir("full");
    const port = await freePort();
    const hookPort = await freePort();
    const collector = `full-${Date.now()}`;
    const url = `http://127.0.0.1:${port}`;
    // 64 KiB of spool (16 KiB segments) holds ~50 events of ~1.2 KiB: 300 lines cannot fit while the gateway is down.
    const config = agentConfig(dir, url, collector, {
      spool: { max_bytes: 64 * 1024, fsync: "never" },
      sources: { auth: { paths: [join(dir, "auth.log")] }, k8s: { listen_host: "127.0.0.1", listen_port: hookPort } },
    });
    // 300 lines ≈ 57 KB: kept under one 64 KiB tailer read (see the report: a line across a read boundary is corrupted in collect/tail/read.ts).
    const total = 300;
    await appendFile(join(dir, "auth.log"), authLines(0, total));
    const size = Buffer.byteLength(authLines(0, total));
    const agent = await startAgent(config, { log: quiet, pollIntervalMs: 50, backoff: { initialMs: 50, maxMs: 200 }, registerRetryMs: 200 });
    let serve: Awaited<ReturnType<typeof gateway>> | undefined;
    try {
      await waitFor("paused", () => (agent.stats().paused ? true : undefined));
      const spooled = agent.stats().spooled_events;
      expect(spooled).toBeLessThan(total);
      const state = join(dir, "state");
      expect(await committedOffset(state)).toBeLessThan(size);
      const refused = await fetch(agent.k8sUrl ?? "", { method: "POST", body: eventList("a1b2c3d4-0000-4000-8000-000000000001") });
      expect(refused.status).toBe(503);
      // Still paused a moment later: no line read, nothing more spooled.
      await new Promise((r) => setTimeout(r, 500));
      expect(agent.stats()).toMatchObject({ paused: true, spooled_events: spooled });

      serve = await gateway(store, port);
      await waitFor("all lines stored", async () => ((await stream(store, collector)).length === total ? true : undefined), 45_000, 200);
      expect(agent.stats().paused).toBe(false);
      expect(await committedOffset(state)).toBe(size);
      const accepted = await fetch(agent.k8sUrl ?? "", { method: "POST", body: eventList("a1b2c3d4-0000-4000-8000-000000000001") });
      expect(accepted.status).toBe(200);
      await waitFor("k8s event stored", async () => ((await stream(store, collector)).length === total + 1 ? true : undefined));
      const seqs = (await stream(store, collector)).map((e) => e.seq);
      expect(seqs).toEqual(Array.from({ length: total + 1 }, (_, i) => i));
    } finally {
      expect(await agent.stop("test")).toBe(true);
      await serve?.close();
    }
  }, 60_000);
});

import { appendFile, readFile, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { parseEventOrThrow, type AuditEvent } from "../../schemas";
import { insertEvents } from "../../store/events";
import { importPublicKey, verifyChain } from "../sign";
import { HttpSink } from "../sinks/http-sink";
import { openTestStore, type TestStore } from "../../test/store";
import { activeKey, canonicalPublicKey, listCollectorKeys } from "../../store/collector-keys";
import { createEnrolment } from "../../ingest/auth/enrolment";
import { startAgent } from "./agent";
import { agentConfig, authLines, gateway, quiet, seqsPerEventQuery, stream, tempDir, waitFor } from "./testing";

let store: TestStore;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(async () => {
  await store.drop();
});

/** Every event the collector filed as refused for good, in seq order. */
async function rejectedEvents(dir: string): Promise<AuditEvent[]> {
  const lines = (await Promise.all((await readdir(dir)).map((f) => readFile(join(dir, f), "utf8")))).flatMap((t) => t.split("\n").filter(Boolean));
  const filed = z.array(z.object({ event: z.unknown() })).parse(lines.map((l): unknown => JSON.parse(l)));
  return filed.map((r) => parseEventOrThrow(r.event)).sort((x, y) => (x.seq ?? 0) - (y.seq ?? 0));
}

/** The stored stream is the whole chain: seq 0..n-1 once each, every link and signature valid. */
async function expectCompleteChain(collector: string, n: number, publicKeyPem: string): Promise<void> {
  const events = await stream(store, collector);
  expect(events.map((e) => e.seq)).toEqual(Array.from({ length: n }, (_, i) => i));
  expect(new Set(events.map((e) => e.event_id)).size).toBe(n);
  const { results } = verifyChain(events, importPublicKey(publicKeyPem));
  expect(results.filter((r) => r.status.kind !== "ok")).toEqual([]);
  expect(await seqsPerEventQuery(store, { collector })).toEqual([]);
}

describe("collector daemon (in-process) → gateway → store", () => {
  it("ships tailed auth.log lines signed and gap-free, and loses nothing while the gateway is down", async () => {
    const dir = await tempDir("e2e");
    let serve = await gateway(store);
    const port = serve.port;
    const collector = `e2e-${Date.now()}`;
    // The admin enrols the collector id: its first key registers only with this one-time token.
    const { token } = await createEnrolment(store, { collectorId: collector, createdBy: "test" });
    const config = agentConfig(dir, serve.url, collector, { sink: { kind: "http", url: serve.url, enrolment_token: token } });
    await appendFile(join(dir, "auth.log"), authLines(0, 40));
    const agent = await startAgent(config, { log: quiet, pollIntervalMs: 50, backoff: { initialMs: 50, maxMs: 200 }, registerRetryMs: 200 });
    try {
      await waitFor("first 40 events stored", async () => ((await stream(store, collector)).length === 40 ? true : undefined));
      await expectCompleteChain(collector, 40, agent.publicKeyPem);
      // The collector registered its public key with the gateway on start.
      const registered = await waitFor("key registered", async () => activeKey(await listCollectorKeys(store, collector)));
      expect(registered.publicKey).toBe(canonicalPublicKey(agent.publicKeyPem));

      // Gateway down: lines keep being read and spooled; the shipper retries.
      await serve.close();
      await appendFile(join(dir, "auth.log"), authLines(40, 100));
      await waitFor("60 more spooled", () => (agent.stats().spooled_events === 100 ? true : undefined));
      await waitFor("shipper failing", () => (agent.stats().shipper.failures > 0 ? true : undefined));
      expect((await stream(store, collector)).length).toBe(40);

      serve = await gateway(store, port);
      await waitFor("all 100 stored after the gateway came back", async () => ((await stream(store, collector)).length === 100 ? true : undefined));
      await expectCompleteChain(collector, 100, agent.publicKeyPem);
      expect(agent.stats().sources.auth).toMatchObject({ lines: 100, events: 100, unparsed: 0 });
    } finally {
      expect(await agent.stop("test")).toBe(true);
      await serve.close();
    }
  });

  it("continues the chain across a graceful restart (no fork, no gap, nothing re-read)", async () => {
    const dir = await tempDir("restart");
    const serve = await gateway(store);
    const collector = `restart-${Date.now()}`;
    const config = agentConfig(dir, serve.url, collector);
    try {
      await appendFile(join(dir, "auth.log"), authLines(0, 25));
      let agent = await startAgent(config, { log: quiet, pollIntervalMs: 50 });
      await waitFor("25 stored", async () => ((await stream(store, collector)).length === 25 ? true : undefined));
      await agent.stop("test");
      await appendFile(join(dir, "auth.log"), authLines(25, 50));
      agent = await startAgent(config, { log: quiet, pollIntervalMs: 50 });
      await waitFor("50 stored", async () => ((await stream(store, collector)).length === 50 ? true : undefined));
      expect(agent.stats().sources.auth).toMatchObject({ lines: 25 });
      await agent.stop("test");
      await expectCompleteChain(collector, 50, agent.publicKeyPem);
    } finally {
      await serve.close();
    }
  });

  it("the oracle fails on a planted duplicate: the same line re-signed under a new seq", async () => {
    const dir = await tempDir("plant");
    const serve = await gateway(store);
    const collector = `plant-${Date.now()}`;
    const config = agentConfig(dir, serve.url, collector);
    try {
      await appendFile(join(dir, "auth.log"), authLines(0, 5));
      let agent = await startAgent(config, { log: quiet, pollIntervalMs: 50 });
      await waitFor("5 stored", async () => ((await stream(store, collector)).length === 5 ? true : undefined));
      await agent.stop("test");
      // Forget the tail offsets: the restarted collector reads the 5 lines again.
      await rm(join(config.collect.state_dir ?? "", "tail"), { recursive: true });
      await rm(join(config.collect.state_dir ?? "", "spool"), { recursive: true });
      agent = await startAgent(config, { log: quiet, pollIntervalMs: 50, sink: new HttpSink({ url: serve.url }) });
      await waitFor("re-read", () => (agent.stats().spooled_events === 5 ? true : undefined));
      await waitFor("re-shipped", () => (agent.stats().shipper.lag_records === 0 ? true : undefined));
      await agent.stop("test");
      // Issue #9: the first stored version wins. The re-signed copies (same event_id, seqs 5..9) were
      // refused (409) and filed in the rejected-events file; seqs 0..4 stay, and the chain is whole.
      expect((await stream(store, collector)).map((e) => e.seq)).toEqual([0, 1, 2, 3, 4]);
      const refiled = await rejectedEvents(join(config.collect.state_dir ?? "", "rejected"));
      expect(refiled.map((e) => e.seq)).toEqual([5, 6, 7, 8, 9]);
      await expectCompleteChain(collector, 5, agent.publicKeyPem);
      // Planted straight into the table (the raw writer, bypassing the id index) under another sort key,
      // so no merge folds it into the original (one of the same key loses to it: first received wins):
      // the oracle catches it.
      await insertEvents(store, refiled.map((e) => ({ ...e, occurred_at: new Date(Date.parse(e.occurred_at) + 1).toISOString() })));
      await expect(expectCompleteChain(collector, 5, agent.publicKeyPem)).rejects.toThrow();
    } finally {
      await serve.close();
    }
  });
});

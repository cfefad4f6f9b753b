import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Sink } from "../../collect/sink";
import { makeEvents } from "../../test/factories/events";
import { openTestStore, type TestStore } from "../../test/store";
import { startServe, type RunningServe } from "../../server/serve";
import { configSchema } from "../../config/schema";
import { testLog as log } from "./testing";

/**
 * /api/health beyond the store ping, on serve over a real store: the jobs'
 * rounds, the newest event, and the two ways ingest is stuck (a job failing
 * round after round; accepted events that never reach the store), each
 * shown to turn the answer into 503 — and back to 200 once it recovers.
 */
// Jobs off: the rounds this test records are the only ones.
const config = configSchema.parse({ server: { host: "127.0.0.1", port: 0 }, integrity: { interval_s: 0 }, drift: { interval_seconds: 0 }, detections: { interval_seconds: 0 } });
const jobSchema = z.strictObject({
  state: z.enum(["ok", "failing", "disabled", "not-run-yet"]),
  last_success_at: z.string().nullable(),
  last_success_age_s: z.number().nullable(),
  consecutive_failures: z.number(),
  last_error: z.string().optional(),
  last_round_s: z.number().optional(),
  disabled_reason: z.string().optional(),
});
const detailSchema = z.strictObject({
  status: z.enum(["ok", "unavailable"]),
  mode: z.literal("embedded"),
  version: z.string(),
  store: z.strictObject({ mode: z.string(), database: z.string(), ok: z.boolean(), latency_ms: z.number(), error: z.string().optional() }),
  jobs: z.record(z.string(), jobSchema),
  ingest: z.strictObject({ last_event_at: z.string().nullable(), last_event_age_s: z.number().nullable(), last_accepted_at: z.string().nullable() }),
  problems: z.array(z.string()),
});

async function detail(serve: RunningServe): Promise<{ status: number; body: z.output<typeof detailSchema> }> {
  const res = await fetch(`${serve.url}/api/health?detail=1`);
  return { status: res.status, body: detailSchema.parse(await res.json()) };
}

const post = (serve: RunningServe, n: number) =>
  fetch(`${serve.url}/api/v1/events`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ events: makeEvents(n) }) });

describe("GET /api/health?detail=1", () => {
  let store: TestStore;
  let serve: RunningServe;
  beforeAll(async () => {
    store = await openTestStore();
    serve = await startServe({ config, log, store, dashboard: false, health: { factsTtlMs: 0, failingRounds: 3 } });
  });
  afterAll(async () => {
    await serve?.close();
    await store?.drop();
  });

  it("reports each job, the newest event's age and what the gateway accepted", async () => {
    const empty = await detail(serve);
    expect(empty.status).toBe(200);
    expect(Object.keys(empty.body.jobs).sort()).toEqual(["detections", "drift", "integrity"]);
    expect(empty.body.ingest.last_event_at).toBeNull();
    expect((await post(serve, 3)).status).toBe(200);
    const after = await detail(serve);
    expect(after.status).toBe(200);
    expect(after.body.ingest.last_event_at).not.toBeNull();
    expect(after.body.ingest.last_accepted_at).not.toBeNull();
    expect(after.body.ingest.last_event_age_s).toBeGreaterThanOrEqual(0);
    expect(after.body.problems).toEqual([]);
  });

  it("answers 503 once a job failed N rounds in a row, naming it, and 200 after its next success", async () => {
    for (let i = 0; i < 2; i += 1) serve.jobs.record("integrity", { ok: false, seconds: 0.01, error: "store timeout" });
    expect((await fetch(`${serve.url}/api/health`)).status).toBe(200);
    serve.jobs.record("integrity", { ok: false, seconds: 0.01, error: "store timeout" });
    const stuck = await detail(serve);
    expect(stuck.status).toBe(503);
    expect(stuck.body.status).toBe("unavailable");
    expect(stuck.body.jobs.integrity).toMatchObject({ state: "failing", consecutive_failures: 3, last_error: "store timeout" });
    expect(stuck.body.problems.join("\n")).toContain("job integrity: 3 rounds in a row failed");
    // The short answer (what `curl -f` and load balancers read) fails too.
    expect((await fetch(`${serve.url}/api/health`)).status).toBe(503);
    serve.jobs.record("integrity", { ok: true, seconds: 0.01 });
    const recovered = await detail(serve);
    expect(recovered.status).toBe(200);
    // Not "failing" any more; "disabled" because this test's config runs no integrity timer.
    expect(recovered.body.jobs.integrity).toMatchObject({ state: "disabled", consecutive_failures: 0 });
    expect(recovered.body.jobs.integrity?.last_success_at).not.toBeNull();
  });
});

describe("GET /api/health when accepted events do not reach the store", () => {
  it("answers 503 once accepted events stay out of the store past the grace period", async () => {
    const store = await openTestStore();
    // A sink that acknowledges and keeps nothing: what the gateway sees when Kafka takes events and no worker stores them.
    const swallowed: number[] = [];
    const blackHole: Sink = { name: "black-hole", publish: async (events) => void swallowed.push(events.length), close: async () => {} };
    const serve = await startServe({ config, log, store, dashboard: false, sink: blackHole, health: { factsTtlMs: 0, acceptedGraceMs: 0 } });
    try {
      expect((await fetch(`${serve.url}/api/health`)).status).toBe(200);
      expect((await post(serve, 2)).status).toBe(200);
      expect(swallowed).toEqual([2]);
      const stuck = await detail(serve);
      expect(stuck.status).toBe(503);
      expect(stuck.body.problems.join("\n")).toContain("have not reached the store");
      expect(stuck.body.ingest.last_event_at).toBeNull();
    } finally {
      await serve.close();
      await store.drop();
    }
  });

  it("stays 200 when the store holds what was accepted (the oracle above fails only for the black hole)", async () => {
    const store = await openTestStore();
    const serve = await startServe({ config, log, store, dashboard: false, health: { factsTtlMs: 0, acceptedGraceMs: 0 } });
    try {
      expect((await post(serve, 2)).status).toBe(200);
      const ok = await detail(serve);
      expect(ok.body.problems).toEqual([]);
      expect(ok.status).toBe(200);
    } finally {
      await serve.close();
      await store.drop();
    }
  });
});

import { describe, expect, it } from "vitest";
import { createIngestMetrics, serveMetrics } from "./metrics";

describe("ingest metrics endpoint", () => {
  it("serves Prometheus text on /metrics and the worker's state on /healthz", async () => {
    const m = createIngestMetrics();
    m.inserted.inc(42);
    m.deadLettered.inc({ reason: "bad_json" });
    m.lag.set({ topic: "t", partition: "0" }, 7);
    let healthy = true;
    const server = await serveMetrics(m.registry, "127.0.0.1", 0, () => healthy);
    try {
      const base = `http://127.0.0.1:${server.port}`;
      const text = await (await fetch(`${base}/metrics`)).text();
      expect(text).toContain("prodtrail_ingest_inserted_total 42");
      expect(text).toContain('prodtrail_ingest_dead_lettered_total{reason="bad_json"} 1');
      expect(text).toContain('prodtrail_ingest_lag_messages{topic="t",partition="0"} 7');
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      healthy = false;
      expect((await fetch(`${base}/healthz`)).status).toBe(503);
    } finally {
      await server.close();
    }
  });

  it("keeps two workers' figures apart (one registry each)", async () => {
    const a = createIngestMetrics();
    const b = createIngestMetrics();
    a.inserted.inc(5);
    expect(await a.registry.metrics()).toContain("prodtrail_ingest_inserted_total 5");
    expect(await b.registry.metrics()).toContain("prodtrail_ingest_inserted_total 0");
  });
});

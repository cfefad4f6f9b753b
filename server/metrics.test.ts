import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { startAgent, type RunningAgent } from "../collect/agent/agent";
import { agentConfig, authLines, quiet, tempDir, waitFor } from "../collect/agent/testing";
import { configSchema } from "../config/schema";
import { createApiKey } from "../ingest/auth/api-keys";
import { insertRows } from "../store/query";
import { openTestStore, type TestStore } from "../test/store";
import { REPO_ROOT } from "../test/cli";
import { startServe, type RunningServe } from "./serve";

/**
 * GET /metrics of serve and of a collector (collect.metrics_listen), with
 * events flowing from a real collector through serve's gateway into a real
 * store: every metric the issue names is exported, and moves when events,
 * refusals, job rounds and findings happen. The Grafana dashboard in
 * examples/ may query only metrics these scrapes export.
 */
let store: TestStore;
let serve: RunningServe;
let agent: RunningAgent;
let dir: string;

/** `name{labels} value` lines → value of the first series matching name and every given label. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split("\n")) {
    if (line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (match?.[1] !== name) continue;
    const body = match[2] ?? "";
    if (Object.entries(labels).every(([k, v]) => body.includes(`${k}="${v}"`))) return Number(match[3]);
  }
  return undefined;
}

/** Every metric family a scrape declares (# TYPE lines). */
function families(text: string): Set<string> {
  return new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1] ?? ""));
}

async function scrape(url: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await fetch(url, { headers });
  expect(res.status, await res.clone().text()).toBe(200);
  return res.text();
}

beforeAll(async () => {
  store = await openTestStore();
  dir = await tempDir("metrics");
  // Jobs every second: the test waits for rounds, never for a fixed time.
  const config = configSchema.parse({ server: { host: "127.0.0.1", port: 0 }, integrity: { interval_s: 1 }, drift: { interval_seconds: 1 }, detections: { interval_seconds: 1 } });
  serve = await startServe({ config, log: quiet, store, dashboard: false, health: { factsTtlMs: 0 } });
  await writeFile(join(dir, "auth.log"), "");
  agent = await startAgent(agentConfig(dir, serve.url, "metrics-web-01", { metrics_listen: "127.0.0.1:0" }), { log: quiet, pollIntervalMs: 50, backoff: { initialMs: 50, maxMs: 200 }, registerRetryMs: 200 });
}, 120_000);
afterAll(async () => {
  await agent?.stop();
  await serve?.close();
  await store?.drop();
});

const SERVE_METRICS = [
  "prodtrail_gateway_events_accepted_total",
  "prodtrail_gateway_events_refused_total",
  "prodtrail_gateway_batches_refused_total",
  "prodtrail_job_round_seconds",
  "prodtrail_job_rounds_total",
  "prodtrail_job_last_success_timestamp_seconds",
  "prodtrail_findings",
  "prodtrail_store_newest_event_age_seconds",
  "process_cpu_seconds_total",
  "nodejs_eventloop_lag_seconds",
];
const COLLECTOR_METRICS = [
  "prodtrail_collector_spool_records",
  "prodtrail_collector_spool_bytes",
  "prodtrail_collector_spool_oldest_unsent_age_seconds",
  "prodtrail_collector_send_seconds",
  "prodtrail_collector_sent_events_total",
  "process_resident_memory_bytes",
];

describe("/metrics", () => {
  it("serve and the collector export every metric, and they move as events flow", async () => {
    const metricsUrl = agent.metricsUrl;
    if (metricsUrl === undefined) throw new Error("collect.metrics_listen did not open a listener");
    const serveBefore = await scrape(`${serve.url}/metrics`);
    const collectorBefore = await scrape(metricsUrl);
    for (const name of SERVE_METRICS) expect(families(serveBefore), name).toContain(name);
    for (const name of COLLECTOR_METRICS) expect(families(collectorBefore), name).toContain(name);
    const acceptedBefore = sample(serveBefore, "prodtrail_gateway_events_accepted_total") ?? 0;

    await writeFile(join(dir, "auth.log"), authLines(0, 25));
    const collectorAfter = await waitFor("the collector's 25 events acknowledged", async () => {
      const text = await scrape(metricsUrl);
      // Sent (the sink resolved) comes just before the ack: wait for both.
      return (sample(text, "prodtrail_collector_sent_events_total") ?? 0) >= 25 && sample(text, "prodtrail_collector_spool_records") === 0 ? text : undefined;
    });
    expect(sample(collectorAfter, "prodtrail_collector_send_seconds_count", { outcome: "ok" })).toBeGreaterThan(0);
    expect(sample(collectorAfter, "prodtrail_collector_spool_records")).toBe(0);
    expect(sample(collectorAfter, "prodtrail_collector_spool_oldest_unsent_age_seconds")).toBe(0);
    expect(sample(collectorAfter, "prodtrail_collector_spool_bytes")).toBeGreaterThan(sample(collectorBefore, "prodtrail_collector_spool_bytes") ?? 0);

    // A refused batch (not JSON) counts under its reason.
    expect((await fetch(`${serve.url}/api/v1/events`, { method: "POST", headers: { "content-type": "application/json" }, body: "{nope" })).status).toBe(400);
    // A finding in the store (as the detections job writes one) shows in the severity gauge.
    const at = new Date().toISOString().replace("T", " ").replace("Z", "");
    await insertRows(store, { table: "findings", rows: [{ finding_id: "metrics-test", detector: "test", severity: "high", title: "t", detail: "", env: "prod", host: "web-01", service: "", actor_id: "", occurred_at: at, event_ids: [], status: "open", created_at: at, updated_at: at, version: 1 }] });

    const serveAfter = await waitFor("a round of every job", async () => {
      const text = await scrape(`${serve.url}/metrics`);
      const ran = ["drift", "integrity", "detections"].every((job) => (sample(text, "prodtrail_job_round_seconds_count", { job }) ?? 0) > 0);
      return ran ? text : undefined;
    });
    expect((sample(serveAfter, "prodtrail_gateway_events_accepted_total") ?? 0) - acceptedBefore).toBeGreaterThanOrEqual(25);
    expect(sample(serveAfter, "prodtrail_gateway_batches_refused_total", { reason: "invalid-json" })).toBe(1);
    expect(sample(serveAfter, "prodtrail_findings", { severity: "high", status: "open" })).toBe(1);
    expect(sample(serveAfter, "prodtrail_store_newest_event_age_seconds")).toBeGreaterThanOrEqual(0);
    expect(sample(serveAfter, "prodtrail_job_last_success_timestamp_seconds", { job: "drift" })).toBeGreaterThan(0);

    // Every metric the Grafana dashboard queries is one these scrapes export.
    const dashboard = z.object({ panels: z.array(z.object({ targets: z.array(z.object({ expr: z.string() })).optional() })) }).parse(JSON.parse(await readFile(join(REPO_ROOT, "examples", "grafana", "prodtrail.json"), "utf8")));
    const exported = new Set([...families(serveAfter), ...families(collectorAfter)]);
    const queried = new Set(dashboard.panels.flatMap((p) => p.targets ?? []).flatMap((t) => [...t.expr.matchAll(/\b(prodtrail_[a-z_]+|process_[a-z_]+|nodejs_[a-z_]+)/g)].map((m) => (m[1] ?? "").replace(/_(bucket|count|sum)$/, ""))));
    expect(queried.size).toBeGreaterThan(8);
    for (const name of queried) expect(exported, `dashboard queries ${name}`).toContain(name);
  });

  it("answers a key with scope metrics:read, refuses one without it, and refuses anonymous callers under the required policy", async () => {
    const { token } = await createApiKey(store, { name: "prometheus", scopes: ["metrics:read"], createdBy: "test" });
    const { token: writer } = await createApiKey(store, { name: "web-01", createdBy: "test" });
    expect((await fetch(`${serve.url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await fetch(`${serve.url}/metrics`, { headers: { authorization: `Bearer ${writer}` } })).status).toBe(403);
    // `required`: what a caller that is not on loopback meets under the default policy, too.
    const strict = await startServe({ config: configSchema.parse({ server: { host: "127.0.0.1", port: 0, api_keys: "required" }, integrity: { interval_s: 0 }, drift: { interval_seconds: 0 }, detections: { interval_seconds: 0 } }), log: quiet, store, dashboard: false });
    try {
      const anonymous = await fetch(`${strict.url}/metrics`);
      expect(anonymous.status).toBe(401);
      expect(await anonymous.text()).not.toContain("prodtrail_gateway");
      expect((await fetch(`${strict.url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    } finally {
      await strict.close();
    }
  });
});

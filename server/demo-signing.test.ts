import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { EXIT_PROBLEMS, runVerifyCommand } from "../cli/verify";
import { configSchema } from "../config/schema";
import { createLogger } from "../lib/log";
import { listCollectorKeys } from "../store/collector-keys";
import { defineQuery } from "../store/query";
import { openTestStore, type TestStore } from "../test/store";
import { startServe } from "./serve";

/**
 * `npm start`'s demo signs: one day of the demo fleet through serve's real
 * gateway into a test database, every demo host a collector with its own
 * key (registered through /api/v1/collectors/register with an enrolment
 * token), then `prodtrail verify` over the store, then an attacker with
 * table access rewrites one stored event and verify must name it.
 */
const log = createLogger("demo-signing-test", "silent");
const config = configSchema.parse({ server: { port: 0 }, demo: { seed: 11, backfill_days: 1, live_events_per_minute: 0 }, detections: { interval_seconds: 0 }, drift: { interval_seconds: 0 } });
const reportSchema = z.object({
  problems: z.number(),
  collectors: z.array(z.object({ collector_id: z.string(), public_key: z.string().nullable(), checked: z.number(), ok: z.number(), unsigned: z.number(), problems: z.array(z.object({ kind: z.string(), seq: z.number(), event_id: z.string() })) })),
});

const victimQuery = defineQuery({
  name: "test.demo_victim",
  params: z.object({}),
  row: z.object({ event_id: z.string(), collector_id: z.string(), seq: z.coerce.number() }),
  sql: (t) => `SELECT event_id, collector_id, seq FROM ${t.events} WHERE collector_id LIKE 'demo-bastion-%' ORDER BY collector_id, seq LIMIT 1 OFFSET 5`,
});

let store: TestStore;
let stateDir: string;
let posted = 0;
beforeAll(async () => {
  store = await openTestStore();
  stateDir = await mkdtemp(join(tmpdir(), "demo-signing-"));
  const serve = await startServe({ config, log, store, dashboard: false, demo: "if-empty", demoStateDir: stateDir });
  try {
    posted = (await (serve.demoBackfill ?? Promise.reject(new Error(serve.demoError ?? "no demo")))).events;
  } finally {
    await serve.close();
  }
}, 300_000);
afterAll(async () => {
  await store?.drop();
  await rm(stateDir, { recursive: true, force: true });
});

async function verify(): Promise<{ code: number; report: z.output<typeof reportSchema> }> {
  const lines: string[] = [];
  const code = await runVerifyCommand(["--json"], { store, print: (l) => lines.push(l) });
  return { code, report: reportSchema.parse(JSON.parse(lines.join("\n"))) };
}

describe("the demo fleet signs its events", () => {
  it("registers one key per demo collector and prodtrail verify reports every chain verified", async () => {
    const keys = await listCollectorKeys(store);
    expect(keys.length).toBeGreaterThan(10);
    expect(keys.every((k) => k.collectorId.startsWith("demo-") && k.revokedAt === null && k.registeredBy.startsWith("loopback:"))).toBe(true);
    const { code, report } = await verify();
    expect(code).toBe(0);
    expect(report.problems).toBe(0);
    expect(report.collectors.map((c) => c.collector_id).sort()).toEqual(keys.map((k) => k.collectorId).sort());
    expect(report.collectors.reduce((n, c) => n + c.ok, 0)).toBe(posted);
    for (const c of report.collectors) expect({ id: c.collector_id, ok: c.ok, unsigned: c.unsigned }).toEqual({ id: c.collector_id, ok: c.checked, unsigned: 0 });
  });

  it("finds a stored event an attacker with table access rewrote", async () => {
    const [victim] = await victimQuery(store, {});
    if (victim === undefined) throw new Error("no bastion event to tamper with");
    // What an attacker with ALTER on the table does: rewrite the stored row in place.
    await store.client.command({
      query: `ALTER TABLE ${store.tables.events} UPDATE command = 'true' WHERE event_id = {id:String} SETTINGS mutations_sync = 2`,
      query_params: { id: victim.event_id },
    });
    const { code, report } = await verify();
    expect(code).toBe(EXIT_PROBLEMS);
    const problems = report.collectors.flatMap((c) => c.problems.map((p) => ({ collector: c.collector_id, ...p })));
    expect(problems.find((p) => p.event_id === victim.event_id)).toMatchObject({ collector: victim.collector_id, seq: victim.seq });
    expect(new Set(problems.map((p) => p.collector))).toEqual(new Set([victim.collector_id]));
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { driftConfigSchema } from "../config/drift";
import { createLogger } from "../lib/log";
import { DriftJob } from "../drift/job";
import { parseEventOrThrow, type AuditEvent } from "../schemas";
import { insertEvents } from "../store/events";
import { defineQuery } from "../store/query";
import { makeEvent } from "../test/factories/events";
import { openTestStore, type TestStore } from "../test/store";
import { withDemoMappings } from "./drift-config";
import { DemoGenerator } from "./generate";

/**
 * `npm start`'s drift configuration: the demo's own mappings, bound to the
 * label demo=true. Oracle: the demo's direct edits get verdicts (not all
 * unmanaged), and a real fleet's change on a path the demo maps stays
 * unmanaged — the demo's `*` globs never reach beyond the demo.
 */
const statesQuery = defineQuery({
  name: "test.demo_drift_states",
  params: z.object({}),
  row: z.object({ change_event_id: z.string(), state: z.string() }),
  sql: (t) => `SELECT change_event_id, state FROM ${t.drift} FINAL`,
});

const NOW = new Date("2026-11-22T02:00:00.000Z");
let store: TestStore;
const realChange = makeEvent({ type: "change.file", env: "prod", host: "web-01", path: "/etc/nginx/nginx.conf", occurred_at: "2026-11-21T12:00:00.000Z", labels: {} });

beforeAll(async () => {
  store = await openTestStore();
  const generator = new DemoGenerator({ seed: 7, now: NOW, backfillDays: 5 });
  const events: AuditEvent[] = [];
  for (const batch of generator.backfill()) for (const e of batch.events) events.push(parseEventOrThrow(e));
  for (let i = 0; i < events.length; i += 5000) await insertEvents(store, events.slice(i, i + 5000));
  await insertEvents(store, [realChange]);
  await new DriftJob(store, withDemoMappings(driftConfigSchema.parse({})), createLogger("demo-drift", "silent")).runOnce({ now: NOW });
}, 300_000);

afterAll(async () => {
  await store?.drop();
});

describe("demo drift configuration", () => {
  it("classifies the demo's direct edits instead of listing them all as unmanaged", async () => {
    const states = new Set((await statesQuery(store, {})).map((r) => r.state));
    expect(states.has("sanctioned")).toBe(true);
    expect([...states].filter((s) => s !== "unmanaged" && s !== "sanctioned").length).toBeGreaterThan(0);
  });

  it("never classifies a change outside the demo, even on a path a demo mapping names", async () => {
    const row = (await statesQuery(store, {})).find((r) => r.change_event_id === realChange.event_id);
    expect(row?.state).toBe("unmanaged");
  });
});

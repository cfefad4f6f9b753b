import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { driftConfigSchema } from "../config/drift";
import { DemoGenerator, type DemoTruth } from "../demo/generate";
import { DriftJob } from "../drift/job";
import { createLogger } from "../lib/log";
import { parseEventOrThrow, type AuditEvent } from "../schemas";
import { insertEvents } from "../store/events";
import { defineQuery } from "../store/query";
import { openTestStore, type TestStore } from "../test/store";
import type { StoredFinding } from "./finding-rows";
import { BUILTIN_RULES_DIR, loadRuleFiles } from "./load";
import { runRound } from "./scheduler";

/**
 * The demo fleet's incidents as `npm start` produces them: 14 days of
 * generated events all received at once (the demo backfill posts them at
 * start-up), the drift job, then the scheduler's first round with every
 * built-in rule. The brute-force bots on the bastions, the break-glass
 * checkout at 02:46 and the unreconciled hotfixes must each be a finding.
 */
const NOW = new Date("2026-11-22T02:00:00.000Z");
const log = createLogger("detections-demo", "silent");
let store: TestStore;
let truth: DemoTruth;
let events: AuditEvent[];
let created: StoredFinding[];

const unreconciledQuery = defineQuery({
  name: "test.unreconciled",
  params: z.object({}),
  row: z.object({ change_event_id: z.string() }),
  sql: (t) => `SELECT change_event_id FROM ${t.drift} FINAL WHERE state = 'unreconciled' ORDER BY change_event_id`,
});

beforeAll(async () => {
  store = await openTestStore();
  const generator = new DemoGenerator({ seed: 42, now: NOW, backfillDays: 14 });
  events = [];
  for (const batch of generator.backfill()) for (const e of batch.events) events.push(parseEventOrThrow(e));
  const receivedAt = new Date(NOW.getTime() - 60_000).toISOString();
  for (let i = 0; i < events.length; i += 5000) await insertEvents(store, events.slice(i, i + 5000), receivedAt);
  truth = generator.truth();
  const mappings = truth.mappings.map((m) => ({ hosts: [m.hosts], host_path: m.host_path, repo: m.repo, repo_path: m.repo_path }));
  await new DriftJob(store, driftConfigSchema.parse({ mappings }), log).runOnce({ now: NOW });
  const config = { overlap_seconds: 300, max_backfill_hours: 24, max_window_minutes: 60, initial_lookback_minutes: 60 };
  created = (await runRound({ store, rules: loadRuleFiles([BUILTIN_RULES_DIR]), config, worker: "demo", log }, new Date(NOW.getTime() + 60_000))).created;
}, 400_000);
afterAll(async () => store.drop());

const ofRule = (id: string) => created.filter((f) => f.rule_id === id);

describe("the demo fleet's incidents become findings", () => {
  it("every brute-force bot address is a brute-force finding on a bastion", () => {
    const bots = [...new Set(events.filter((e) => e.type === "access.login_failed" && e.actor_id === "unknown").map((e) => e.source_ip ?? ""))].sort();
    expect(bots.length).toBeGreaterThan(10);
    const found = ofRule("prodtrail-ssh-brute-force");
    expect([...new Set(found.map((f) => f.source_ip))].sort()).toEqual(bots);
    expect(found.every((f) => f.host.includes("bastion"))).toBe(true);
  });

  it("the break-glass work at night is flagged as hours its on-call person never used, with break-glass events as evidence", () => {
    const incident = truth.incident;
    if (incident === undefined) throw new Error("the demo has no incident");
    const byId = new Map(events.map((e) => [e.event_id, e]));
    // The lead was paged at 02:xx two nights before (on call), so 02:00 is a known hour; 03:00 and 04:00 are not.
    const night = ofRule("prodtrail-unusual-hours").filter((f) => incident.responders.includes(f.actor_id) && f.occurred_at >= incident.from && f.occurred_at < incident.to);
    expect(night.length).toBeGreaterThan(0);
    expect(night.some((f) => f.event_ids.some((id) => byId.get(id)?.break_glass === true))).toBe(true);
    // it had a ticket: no "break-glass without a ticket" finding
    expect(ofRule("prodtrail-break-glass-no-ticket")).toEqual([]);
  });

  it("each unreconciled hotfix is a finding naming its edit", async () => {
    const unreconciled = (await unreconciledQuery(store, {})).map((r) => r.change_event_id);
    expect(unreconciled.length).toBeGreaterThan(0);
    expect(ofRule("prodtrail-unreconciled-direct-edit").flatMap((f) => f.event_ids).sort()).toEqual(unreconciled);
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../lib/log";
import { insertEvents } from "../store/events";
import { runCommand } from "../store/query";
import { makeEvent } from "../test/factories/events";
import { openTestStore, type TestStore } from "../test/store";
import { findingsByIdQuery } from "./finding-rows";
import { BUILTIN_RULES_DIR, loadRuleFiles } from "./load";
import { runRound, type SchedulerOptions } from "./scheduler";

/**
 * The scheduler over the real engine: late events, the overlap firing once,
 * bounded backfill after downtime. (Two workers: coordination.test.ts.)
 */
const rules = loadRuleFiles([BUILTIN_RULES_DIR]);
const bruteForce = rules.filter((r) => r.id === "prodtrail-ssh-brute-force");
const rootShell = rules.filter((r) => r.id === "prodtrail-interactive-root-shell");
const log = createLogger("test", "silent");
const config = { overlap_seconds: 300, max_backfill_hours: 2, max_window_minutes: 60, initial_lookback_minutes: 60 };

let store: TestStore;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(async () => store.drop());
beforeEach(async () => {
  for (const t of ["events", "findings", "detection_windows"] as const) await runCommand(store, `TRUNCATE TABLE ${store.tables[t]}`, "test.truncate");
});

const at = (iso: string) => new Date(iso);
const opts = (r = rootShell): SchedulerOptions => ({ store, rules: r, config, worker: "w1", log });
const rootShellEvent = (actor: string, occurred: string) => makeEvent({ type: "access.privilege", channel: "sudo", effective_user: "root", command: "/bin/bash", actor_id: actor, occurred_at: occurred });
const allFindings = async () => (await store.client.query({ query: `SELECT finding_id, actor_id, event_ids FROM ${store.tables.findings} FINAL ORDER BY actor_id`, format: "JSONEachRow" })).json<{ finding_id: string; actor_id: string; event_ids: string[] }>();

describe("detection scheduler", () => {
  it("finds a late event: occurred hours ago, received now", async () => {
    await runRound(opts(), at("2026-03-02T10:00:00Z"));
    await insertEvents(store, [rootShellEvent("late", "2026-03-02T06:00:00.000Z")], "2026-03-02T10:00:30.000Z");
    const round = await runRound(opts(), at("2026-03-02T10:01:00Z"));
    expect(round.created.map((f) => f.actor_id)).toEqual(["late"]);
  });

  it("a batch committed after the round that covered its received_at is caught by the overlap, and fires once", async () => {
    await runRound(opts(), at("2026-03-02T10:00:00Z"));
    // received 10:00:50 but committed after the 10:01 round had run (a slow insert)
    const first = await runRound(opts(), at("2026-03-02T10:01:00Z"));
    expect(first.created).toEqual([]);
    await insertEvents(store, [rootShellEvent("slow", "2026-03-02T10:00:50.000Z")], "2026-03-02T10:00:50.000Z");
    const second = await runRound(opts(), at("2026-03-02T10:02:00Z"));
    expect(second.created.map((f) => f.actor_id)).toEqual(["slow"]);
    // the next rounds' overlap covers 10:00:50 again: same fingerprint, no second finding, nothing notified
    const third = await runRound(opts(), at("2026-03-02T10:03:00Z"));
    const fourth = await runRound(opts(), at("2026-03-02T10:04:00Z"));
    expect([third.created, fourth.created]).toEqual([[], []]);
    expect((await allFindings()).map((f) => f.actor_id)).toEqual(["slow"]);
  });

  it("a brute force split across overlapping rounds is one finding with all its evidence", async () => {
    await runRound(opts(bruteForce), at("2026-03-02T10:00:00Z"));
    const fail = (i: number) => makeEvent({ type: "access.login_failed", outcome: "failure", source_ip: "203.0.113.5", actor_id: "root", occurred_at: `2026-03-02T10:0${Math.floor(i / 6)}:${String((i % 6) * 10).padStart(2, "0")}.000Z`, event_id: `bf-${i}` });
    await insertEvents(store, Array.from({ length: 10 }, (_, i) => fail(i)), "2026-03-02T10:01:30.000Z");
    const a = await runRound(opts(bruteForce), at("2026-03-02T10:02:00Z"));
    await insertEvents(store, Array.from({ length: 4 }, (_, i) => fail(i + 10)), "2026-03-02T10:02:30.000Z");
    const b = await runRound(opts(bruteForce), at("2026-03-02T10:03:00Z"));
    expect([a.created.length, b.created.length]).toEqual([1, 0]);
    const [finding] = await findingsByIdQuery(store, { ids: a.created.map((f) => f.finding_id) });
    expect(finding?.event_ids.length).toBe(14);
  });

  it("after downtime catches up at most max_backfill_hours, in windows of max_window_minutes, and says what it skipped", async () => {
    await runRound(opts(), at("2026-03-02T10:00:00Z"));
    await insertEvents(store, [rootShellEvent("too-old", "2026-03-02T10:30:00.000Z")], "2026-03-02T10:30:00.000Z");
    await insertEvents(store, [rootShellEvent("caught-up", "2026-03-02T13:30:00.000Z")], "2026-03-02T13:30:00.000Z");
    const round = await runRound(opts(), at("2026-03-02T15:00:00Z"));
    expect(round.created.map((f) => f.actor_id)).toEqual(["caught-up"]);
    expect(round.rules[0]).toMatchObject({ windows: 3, skipped: { from: "2026-03-02T09:55:00.000Z", to: "2026-03-02T12:55:00.000Z" } });
  });
});

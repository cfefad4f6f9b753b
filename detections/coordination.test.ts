import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../lib/log";
import { insertEvents } from "../store/events";
import { makeEvent } from "../test/factories/events";
import { useKafka } from "../test/kafka/use-kafka";
import { openTestStore, type TestStore } from "../test/store";
import { startKafkaCoordinator, type KafkaCoordinator } from "./coordination";
import { BUILTIN_RULES_DIR, loadRuleFiles } from "./load";
import { runRound, type SchedulerOptions } from "./scheduler";

/**
 * Two ingest workers against the real broker: each tick both try a round,
 * exactly one runs it, the findings are written once; when the leader
 * leaves, the other takes over.
 */
const kafka = useKafka();
const log = createLogger("test", "silent");
const rules = loadRuleFiles([BUILTIN_RULES_DIR]).filter((r) => r.id === "prodtrail-interactive-root-shell");
const config = { overlap_seconds: 300, max_backfill_hours: 2, max_window_minutes: 60, initial_lookback_minutes: 60 };

let store: TestStore;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(async () => store.drop());

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300 && !check(); i += 1) await new Promise((r) => setTimeout(r, 100));
  if (!check()) throw new Error(`gave up waiting for ${what}`);
}

describe.skipIf(!kafka.available)("detections across two ingest workers", () => {
  it("each round runs on one worker only, and the other takes over when it leaves", async () => {
    const topic = await kafka.randomTopic("detections-coord", 1);
    const groupId = kafka.randomGroupId("detections");
    const workers: KafkaCoordinator[] = [];
    for (const name of ["w1", "w2"]) workers.push(await startKafkaCoordinator({ connection: kafka.connection(name), topic, groupId, log, sessionTimeoutMs: 10_000 }));
    try {
      await Promise.all(workers.map((w) => w.joined));
      await until(() => workers.filter((w) => w.isLeader()).length === 1, "one leader");
      const opts = (i: number): SchedulerOptions => ({ store, rules, config, worker: `w${i + 1}`, log, ...(workers[i] ? { coordinator: workers[i] } : {}) });
      const shell = (actor: string, occurred: string) => makeEvent({ type: "access.privilege", channel: "sudo", effective_user: "root", command: "/bin/bash", actor_id: actor, occurred_at: occurred });
      await insertEvents(store, [shell("a", "2026-03-02T10:00:10.000Z"), shell("b", "2026-03-02T10:00:20.000Z")], "2026-03-02T10:00:30.000Z");
      const ticks = ["2026-03-02T10:01:00Z", "2026-03-02T10:02:00Z", "2026-03-02T10:03:00Z"];
      const ran: number[] = [];
      let created = 0;
      for (const tick of ticks) {
        const rounds = await Promise.all([0, 1].map((i) => runRound(opts(i), new Date(tick))));
        ran.push(rounds.filter((r) => r.ran).length);
        created += rounds.reduce((n, r) => n + r.created.length, 0);
      }
      expect(ran).toEqual([1, 1, 1]);
      expect(created).toBe(2);
      const leaderIndex = workers.findIndex((w) => w.isLeader());
      const other = workers[1 - leaderIndex];
      await workers[leaderIndex]?.stop();
      await until(() => other?.isLeader() === true, "the other worker to take over");
      await insertEvents(store, [shell("c", "2026-03-02T10:03:30.000Z")], "2026-03-02T10:03:30.000Z");
      const after = await runRound(opts(1 - leaderIndex), new Date("2026-03-02T10:04:00Z"));
      expect([after.ran, after.created.map((f) => f.actor_id)]).toEqual([true, ["c"]]);
    } finally {
      await Promise.all(workers.map((w) => w.stop().catch(() => undefined)));
    }
  }, 90_000);
});

import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { useKafka } from "../../test/kafka/use-kafka";
import { openTestStore, type TestStore } from "../../test/store";
import { runCommand } from "../../store/query";

/**
 * Two and three workers, each a process (testdata/single-runner-worker.ts),
 * on one coordination topic of the real broker. The runner is SIGKILLed in
 * the middle of a round (it said "started" and never gets to finish); the
 * survivors must take over after the session timeout and resume with that
 * same round. Oracle: the finished rounds the test writes into the store —
 * every round 1..N exactly once, and each killed round finished by another
 * worker.
 */
const kafka = useKafka();
const FIXTURE = fileURLToPath(new URL("./testdata/single-runner-worker.ts", import.meta.url));
// group.min.session.timeout.ms is 6 s on a default broker: the shortest takeover it allows.
const SESSION_MS = 6_000;
const INTERVAL_MS = 200;

const messageSchema = z.object({ type: z.enum(["joined", "started", "done"]), name: z.string(), round: z.number().optional() });

let store: TestStore;
beforeAll(async () => {
  store = await openTestStore({ migrate: false });
  await runCommand(store, `CREATE DATABASE IF NOT EXISTS ${store.database}`, "test.create_database");
  await runCommand(store, `CREATE TABLE ${store.database}.rounds (round UInt32, worker String) ENGINE = MergeTree ORDER BY round`, "test.create_rounds");
});
afterAll(async () => store.drop());

/** Every round 1..last exactly once: what is wrong, or [] when nothing is. */
function roundProblems(rows: ReadonlyArray<{ round: number; runs: number }>, last: number): string[] {
  const runs = new Map(rows.map((r) => [r.round, r.runs]));
  const problems: string[] = [];
  for (let round = 1; round <= last; round += 1) {
    const n = runs.get(round) ?? 0;
    if (n !== 1) problems.push(`round ${round} finished ${n} times`);
  }
  for (const r of rows) if (r.round > last) problems.push(`round ${r.round} beyond ${last}`);
  return problems;
}

async function storedRounds(): Promise<Array<{ round: number; runs: number; workers: string[] }>> {
  const result = await store.client.query({ query: `SELECT round, count() AS runs, groupArray(worker) AS workers FROM ${store.database}.rounds GROUP BY round ORDER BY round`, format: "JSONEachRow" });
  return z.array(z.object({ round: z.coerce.number(), runs: z.coerce.number(), workers: z.array(z.string()) })).parse(await result.json());
}

async function runScenario(workers: number, killAt: readonly number[], last: number) {
  const topic = await kafka.randomTopic("single-runner", 1);
  const group = kafka.randomGroupId("single-runner");
  const children = new Map<string, ChildProcess>();
  const killed: Array<{ name: string; round: number }> = [];
  const joined = new Set<string>();
  let finishedRounds = 0;
  let settle: (error?: Error) => void = () => {};
  const finished = new Promise<void>((resolve, reject) => (settle = (error) => (error ? reject(error) : resolve())));
  let inserts = Promise.resolve();

  const onMessage = (raw: unknown) => {
    const m = messageSchema.parse(raw);
    const child = children.get(m.name);
    if (m.type === "joined") joined.add(m.name);
    if (m.type === "started" && m.round !== undefined) {
      const kill = killAt[killed.length];
      if (kill === m.round && !killed.some((k) => k.round === m.round)) {
        killed.push({ name: m.name, round: m.round });
        child?.kill("SIGKILL");
      } else {
        child?.send({ type: "proceed", round: m.round });
      }
    }
    if (m.type === "done" && m.round !== undefined) {
      const round = m.round;
      inserts = inserts.then(() => store.client.insert({ table: `${store.database}.rounds`, values: [{ round, worker: m.name }], format: "JSONEachRow" }).then(() => undefined));
      finishedRounds += 1;
      if (round >= last) void inserts.then(() => settle());
    }
  };

  for (let i = 1; i <= workers; i += 1) {
    const name = `w${i}`;
    const child = spawn(process.execPath, ["--import", "tsx", FIXTURE], {
      env: { ...process.env, BROKERS: kafka.brokers.join(","), TOPIC: topic, GROUP: group, NAME: name, INTERVAL_MS: String(INTERVAL_MS), SESSION_MS: String(SESSION_MS) },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    child.on("message", (m) => {
      try {
        onMessage(m);
      } catch (error) {
        settle(error instanceof Error ? error : new Error(String(error)));
      }
    });
    child.once("exit", (code, signal) => {
      if (signal !== "SIGKILL" && finishedRounds < last) settle(new Error(`${name} exited (${code ?? signal}) before round ${last}`));
    });
    children.set(name, child);
  }
  try {
    await finished;
  } finally {
    for (const child of children.values()) child.kill("SIGKILL");
  }
  return { killed, joined };
}

describe.skipIf(!kafka.available)("one runner per round across workers (single-runner.ts)", () => {
  it("the oracle sees a doubled and a missing round", () => {
    expect(roundProblems([{ round: 1, runs: 1 }, { round: 2, runs: 2 }, { round: 4, runs: 1 }], 4)).toEqual(["round 2 finished 2 times", "round 3 finished 0 times"]);
  });

  it("two workers: the runner is killed mid-round, the other resumes that round, every round runs once", async () => {
    const last = 6;
    const { killed } = await runScenario(2, [3], last);
    const rows = await storedRounds();
    expect(roundProblems(rows, last)).toEqual([]);
    expect(killed).toHaveLength(1);
    const resumed = rows.find((r) => r.round === killed[0]?.round);
    expect(resumed?.workers).not.toContain(killed[0]?.name);
  }, 120_000);

  it("three workers: two runners killed in turn, every round still runs once", async () => {
    await runCommand(store, `TRUNCATE TABLE ${store.database}.rounds`, "test.truncate_rounds");
    const last = 8;
    const { killed, joined } = await runScenario(3, [3, 6], last);
    expect(joined.size).toBe(3);
    const rows = await storedRounds();
    expect(roundProblems(rows, last)).toEqual([]);
    expect(killed.map((k) => k.round)).toEqual([3, 6]);
    expect(new Set(killed.map((k) => k.name)).size).toBe(2);
    for (const k of killed) expect(rows.find((r) => r.round === k.round)?.workers).not.toContain(k.name);
  }, 180_000);
});

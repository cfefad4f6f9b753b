/**
 * SIGKILL of an ingest worker at each point where a crash can lose or double
 * data: after a fetch, in the middle of a store insert, and after the insert
 * was acknowledged but before the offsets were committed. After a restart
 * every event is stored, nothing else is, and queries count each once.
 * The worker runs in a child process (testdata/crash-worker.ts) with its own
 * embedded store, since one engine data dir belongs to one process.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { KafkaSink } from "../../collect/sinks/kafka-sink";
import { makeEvents } from "../../test/factories/events";
import { useKafka } from "../../test/kafka/use-kafka";

const kafka = useKafka();
const FIXTURE = fileURLToPath(new URL("./testdata/crash-worker.ts", import.meta.url));

interface Child {
  proc: ChildProcess;
  /** Resolves when a stdout line equal to `line` was printed for the n-th time. */
  line(line: string, n?: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function spawnWorker(env: Record<string, string>): Child {
  const proc = spawn(process.execPath, ["--import", "tsx", FIXTURE], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const counts = new Map<string, number>();
  const waiters: Array<{ line: string; n: number; resolve: () => void }> = [];
  createInterface({ input: proc.stdout! }).on("line", (l) => {
    const c = (counts.get(l) ?? 0) + 1;
    counts.set(l, c);
    for (const w of waiters.filter((w) => w.line === l && w.n === c)) w.resolve();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    proc.once("exit", (code, signal) => r({ code, signal })),
  );
  return {
    proc,
    exited,
    line: (line, n = 1) =>
      new Promise<void>((resolve, reject) => {
        if ((counts.get(line) ?? 0) >= n) return resolve();
        waiters.push({ line, n, resolve });
        void exited.then(({ code, signal }) => reject(new Error(`worker exited (${code ?? signal}) before printing "${line}" #${n}`)));
      }),
  };
}

async function committedTotal(groupId: string, topic: string): Promise<bigint> {
  const committed = await (await kafka.admin()).committedOffsets(groupId, topic);
  return [...committed.values()].reduce((a, b) => a + b, 0n);
}

describe.skipIf(!kafka.available)(`ingest worker SIGKILLed mid-pipeline ${kafka.skipReason}`, () => {
  it.each([
    ["fetched", 1],
    ["inserting", 2],
    ["inserted", 2],
  ] as const)("killed at '%s' (#%i): after restart every event is stored exactly once", { timeout: 120_000 }, async (stage, n) => {
    const topic = await kafka.randomTopic(`crash-${stage}`, 2);
    const dlqTopic = await kafka.randomTopic("crash-dlq", 1);
    const groupId = kafka.randomGroupId(`crash-${stage}`);
    const dataDir = mkdtempSync(join(tmpdir(), "prodtrail-crash-"));
    const events = makeEvents(2_000).map((e, i) => ({ ...e, host: `host-${i % 13}` }));
    const sink = new KafkaSink({ connection: kafka.connection("crash-producer"), topic });
    await sink.publish(events);
    await sink.close();
    const total = BigInt(events.length);
    const base = { KAFKA_BROKERS: kafka.brokers.join(","), TOPIC: topic, GROUP_ID: groupId, DLQ_TOPIC: dlqTopic, DATA_DIR: dataDir };

    try {
      const first = spawnWorker({ ...base, CRASH_AT: stage, CRASH_ON: String(n) });
      if (stage === "inserting") {
        await first.line("STAGE inserting", n);
        first.proc.kill("SIGKILL");
      }
      expect((await first.exited).signal).toBe("SIGKILL");
      // The crash happened before the work was done (else the test proves nothing).
      expect(await committedTotal(groupId, topic)).toBeLessThan(total);

      const idsOut = join(dataDir, "ids.json");
      const second = spawnWorker({ ...base, CRASH_AT: "none", IDS_OUT: idsOut });
      await second.line("READY");
      const deadline = Date.now() + 60_000;
      while ((await committedTotal(groupId, topic)) < total) {
        if (Date.now() > deadline) throw new Error(`committed ${await committedTotal(groupId, topic)} of ${total}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      second.proc.kill("SIGTERM");
      expect(await second.exited).toEqual({ code: 0, signal: null });

      const stored = z.record(z.string(), z.number()).parse(JSON.parse(readFileSync(idsOut, "utf8")));
      const expected = new Set(events.map((e) => e.event_id));
      const missing = [...expected].filter((id) => !(id in stored));
      const unexpected = Object.keys(stored).filter((id) => !expected.has(id));
      expect({ missing: missing.length, unexpected: unexpected.length, distinct: Object.keys(stored).length }).toEqual({
        missing: 0,
        unexpected: 0,
        distinct: events.length,
      });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

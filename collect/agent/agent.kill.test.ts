import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { appendFile, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importPublicKey, verifyChain } from "../sign";
import { openTestStore, type TestStore } from "../../test/store";
import type { AuditEvent } from "../../schemas";
import { runOnce } from "./run-once";
import { authLines, gateway, seqsPerEventQuery, stream, tempDir, waitFor } from "./testing";

/**
 * The real binary as a child process, SIGKILLed while lines keep arriving,
 * restarted each time: every line's event is stored exactly once, under one
 * seq, and the chain has no gap and no fork.
 */
const BIN = join(import.meta.dirname, "..", "..", "bin", "prodtrail");
const TOTAL = 600;

let store: TestStore;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(async () => {
  await store.drop();
});

/** Resolves once the child logged "collector started" (its signal handlers are installed by then). */
async function startCollector(config: string, logFile: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [BIN, "collect", "--config", config], { stdio: ["ignore", "pipe", "pipe"] });
  const log = createWriteStream(logFile, { flags: "a" });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  let seen = "";
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      seen = (seen + chunk.toString("utf8")).slice(-4096);
      if (seen.includes('"collector started"')) resolve();
    });
    child.once("exit", (code) => reject(new Error(`collector exited (${String(code)}) before starting; log: ${logFile}`)));
  });
  return child;
}

const exited = (child: ChildProcess): Promise<number | null> =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve(child.exitCode) : new Promise((resolve) => child.once("exit", (code) => resolve(code)));

describe("collector daemon: SIGKILL mid-stream and restart", () => {
  it("stores every line's event exactly once and keeps one unbroken chain", async () => {
    const dir = await tempDir("kill");
    const serve = await gateway(store);
    const collector = `kill-${Date.now()}`;
    const authLog = join(dir, "auth.log");
    const config = join(dir, "prodtrail.yaml");
    await writeFile(config, [
      `data_dir: ${join(dir, "data")}`,
      "log_level: info",
      "collect:",
      `  collector_id: ${collector}`,
      "  host: web-01",
      "  env: prod",
      `  state_dir: ${join(dir, "state")}`,
      "  sink: { kind: http, url: " + serve.url + " }",
      "  spool: { fsync: never }",
      `  sources: { auth: { paths: [${authLog}] } }`,
      "",
    ].join("\n"));
    // ≥ 1 KiB before the collector first sees the file, so its content id is the one run-once computes.
    await appendFile(authLog, authLines(0, 20));
    let written = 20;
    const writer = (async () => {
      while (written < TOTAL) {
        await appendFile(authLog, authLines(written, written + 5));
        written += 5;
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const logFile = join(dir, "collector.log");
    let killedMidStream = 0;
    try {
      for (let round = 0; round < 3; round++) {
        const child = await startCollector(config, logFile);
        const before = (await stream(store, collector)).length;
        // Killed once it has shipped something new: mid-stream, with lines still arriving.
        await waitFor(`round ${round}: progress`, async () => ((await stream(store, collector)).length > before ? true : undefined), 30_000, 50);
        if (written < TOTAL) killedMidStream += 1;
        child.kill("SIGKILL");
        await exited(child);
      }
      expect(killedMidStream).toBeGreaterThanOrEqual(2);
      await writer;
      const last = await startCollector(config, logFile);
      await waitFor("every line stored", async () => ((await stream(store, collector)).length >= TOTAL ? true : undefined), 40_000, 200);
      last.kill("SIGTERM");
      expect(await exited(last)).toBe(0);

      const events = await stream(store, collector);
      const expected: AuditEvent[] = [];
      await runOnce({ source: "auth", file: authLog, ctx: { collectorId: collector, host: "web-01", env: "prod", now: () => new Date() }, emit: async (e) => void expected.push(...e) });
      expect(expected).toHaveLength(TOTAL);
      expect(events.map((e) => e.event_id).sort()).toEqual(expected.map((e) => e.event_id).sort());
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: TOTAL }, (_, i) => i));
      expect(await seqsPerEventQuery(store, { collector })).toEqual([]);
      const key = importPublicKey(await readFile(join(dir, "state", "sign", "collector.pub"), "utf8"));
      expect(verifyChain(events, key).results.filter((r) => r.status.kind !== "ok")).toEqual([]);
    } catch (err) {
      console.error(`collector log: ${logFile}`);
      throw err;
    } finally {
      written = TOTAL;
      await serve.close();
    }
  }, 90_000);
});

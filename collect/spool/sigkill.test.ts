import { spawn } from "node:child_process";
import { mkdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SpoolLockedError } from "./errors";
import { Spool } from "./spool";
import { checkSpoolOracle, type DeliveredBatch, type OracleInput } from "./testdata/oracle";
import { quietLog, readAll, tempDir } from "./testdata/helpers";

/**
 * Real crashes: a child collector (testdata/sigkill-child.ts) appends and
 * ships with fsync `always`, and is SIGKILLed at random moments — sometimes
 * before it finished opening (mid-recovery), mostly mid-work. After the last
 * round the test reopens the spool and checks the oracle.
 */
const CHILD = join(dirname(fileURLToPath(import.meta.url)), "testdata", "sigkill-child.ts");
const ROUNDS = 8;

let dir = "";
let cleanup = async (): Promise<void> => undefined;
beforeEach(async () => ({ dir, cleanup } = await tempDir("sigkill")));
afterEach(() => cleanup());

/** Complete lines only: a line cut by the kill never finished, so it does not count. */
async function lines(file: string): Promise<string[]> {
  const text = await readFile(file, "utf8").catch(() => "");
  return text.split("\n").slice(0, -1);
}

async function runRound(spoolDir: string, outDir: string, round: number): Promise<{ sawReady: boolean; stderr: string; lockErr: unknown }> {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, spoolDir, outDir, String(round)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const ready = new Promise<boolean>((resolve) => {
    child.stdout.on("data", (d: Buffer) => d.toString().includes("ready") && resolve(true));
    void exited.then(() => resolve(false));
  });
  const early = round % 4 === 1; // every 4th round: kill at a random moment from spawn, maybe mid-open
  const sawReady = early ? false : await ready;
  // While the child lives, nobody else may open its spool.
  const lockErr = sawReady ? await Spool.open({ dir: spoolDir }, { log: quietLog() }).then((s) => s.close(), (e: unknown) => e) : null;
  await new Promise((r) => setTimeout(r, early ? 200 + Math.random() * 500 : 30 + Math.random() * 300));
  child.kill("SIGKILL");
  await exited;
  return { sawReady, stderr, lockErr };
}

async function collect(outDir: string, unacked: string[]): Promise<OracleInput> {
  const delivered: DeliveredBatch[] = (await lines(join(outDir, "delivered.log"))).map((l) => {
    const [round, ids] = l.split(" ");
    return { round: Number(round), ids: (ids ?? "").split(",") };
  });
  return { resolved: await lines(join(outDir, "resolved.log")), delivered, unacked };
}

describe("SIGKILL at random moments", () => {
  it("loses no resolved append and resends at most the in-flight batch", async () => {
    const outDir = join(dir, "..", "out");
    await mkdir(outDir, { recursive: true });
    let readyRounds = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      const { sawReady, stderr, lockErr } = await runRound(dir, outDir, round);
      expect(stderr, `child stderr in round ${round}`).not.toMatch(/Error|failed/);
      if (sawReady) {
        readyRounds += 1;
        expect(lockErr).toBeInstanceOf(SpoolLockedError);
      }
    }
    const spool = await Spool.open({ dir, segmentBytes: 1024, maxBytes: 8192 }, { log: quietLog() });
    const remaining = await readAll(spool, 50);
    await spool.close();
    const input = await collect(outDir, remaining);

    expect(readyRounds).toBeGreaterThanOrEqual(ROUNDS / 2);
    expect(input.resolved.length).toBeGreaterThan(50); // the test exercised real work
    expect(input.delivered.length).toBeGreaterThan(10);
    expect(checkSpoolOracle(input)).toEqual([]);

    // The same oracle, on the same real data, catches a planted fault.
    const lost = input.resolved[Math.floor(input.resolved.length / 2)] ?? "";
    const withoutOne: OracleInput = {
      ...input,
      delivered: input.delivered.map((b) => ({ ...b, ids: b.ids.filter((id) => id !== lost) })),
      unacked: input.unacked.filter((id) => id !== lost),
    };
    expect(checkSpoolOracle(withoutOne).join("\n")).toContain(`${lost} was appended (resolved) but is neither`);
    const early = input.delivered[0]?.ids[0] ?? "";
    const duplicated: OracleInput = { ...input, delivered: [...input.delivered, { round: ROUNDS + 1, ids: [early] }] };
    expect(checkSpoolOracle(duplicated).join("\n")).toContain(`${early} delivered again`);
  }, 120_000);
});

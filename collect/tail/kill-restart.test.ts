import { spawn, type ChildProcess } from "node:child_process";
import { access, appendFile, mkdtemp, readFile, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, expect, it } from "vitest";
import { exactlyOnce, expectedTexts, lines } from "./testdata/harness";

/**
 * A consumer process is SIGKILLed at pseudo-random moments while the log is
 * written and rotated (rename) twice; it is restarted each time. With the
 * checkpoint stored beside its data, every line is handled exactly once
 * across all runs; with commit() alone, at least once under the same id.
 */
const CHILD = join(import.meta.dirname, "testdata", "kill-child.ts");

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "tail-kill-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function start(log: string, state: string, out: string, extra: string[]): { child: ChildProcess; exited: Promise<number | null> } {
  // node itself with tsx's loader, not the tsx wrapper: SIGKILL must hit the process that tails (the wrapper would orphan it).
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, log, state, out, ...extra], { stdio: ["ignore", "ignore", "inherit"] });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exited };
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}

/** Park–Miller: reproducible "random" kill moments. */
function rng(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 48271) % 2147483647) / 2147483647;
}

interface Handled {
  texts: string[];
  ids: string[];
  kills: number;
  exitCode: number | null;
}

/** Writes 3,000 lines with two rename rotations while killing and restarting the consumer; then END. */
async function scenario(mode: "checkpoint" | "commit-only", seed: number): Promise<Handled> {
  const log = join(dir, "app.log");
  const state = join(dir, "state.json");
  const out = join(dir, "handled.jsonl");
  const random = rng(seed);
  const total = 3000;
  let written = 0;
  let writing = true;
  const args = mode === "commit-only" ? ["commit-only"] : [];
  const firstRun = start(log, state, out, args);
  while (!(await exists(state))) await sleep(20);
  const writer = (async () => {
    while (written < total) {
      await appendFile(log, lines("k", written, written + 50));
      written += 50;
      if (written === 1000) await rename(log, `${log}.1`);
      if (written === 2000) {
        await rename(`${log}.1`, `${log}.2`);
        await rename(log, `${log}.1`);
      }
      await sleep(15);
    }
    writing = false;
  })();
  let kills = 0;
  let run = firstRun;
  while (writing || kills < 6) {
    if (kills > 0) run = start(log, state, out, args);
    await sleep(400 + random() * 800);
    run.child.kill("SIGKILL");
    await run.exited;
    kills += 1;
    if (kills > 40) break;
  }
  await writer;
  await appendFile(log, "END\n");
  const final = start(log, state, out, args);
  const timer = setTimeout(() => final.child.kill("SIGKILL"), 60_000);
  const exitCode = await final.exited;
  clearTimeout(timer);

  const handled: Handled = { texts: [], ids: [], kills, exitCode };
  for (const line of (await readFile(out, "utf8")).trimEnd().split("\n")) {
    const record: unknown = JSON.parse(line);
    const texts: unknown = typeof record === "object" && record !== null ? Reflect.get(record, "lines") : null;
    const ids: unknown = typeof record === "object" && record !== null ? Reflect.get(record, "ids") : null;
    if (!Array.isArray(texts) || !Array.isArray(ids)) throw new Error("record without lines/ids");
    for (const t of texts) handled.texts.push(String(t));
    for (const id of ids) handled.ids.push(String(id));
  }
  return handled;
}

const EXPECTED = [...expectedTexts("k", 0, 3000), "END"];

it("checkpoint stored with the data: every line exactly once across SIGKILLs and rotations", async () => {
  const h = await scenario("checkpoint", 20261122);
  expect(h.kills).toBeGreaterThanOrEqual(6);
  expect(exactlyOnce(EXPECTED, h.texts).slice(0, 10)).toEqual([]);
  expect(h.exitCode).toBe(0);
  // The oracle is not blind: a planted duplicate is caught.
  expect(exactlyOnce(EXPECTED, [...h.texts, h.texts[1234] ?? ""])).toHaveLength(1);
}, 180_000);

it("commit() alone: nothing lost; a repeated line always carries the same (fileId, offset), so ids deduplicate it", async () => {
  const h = await scenario("commit-only", 7);
  expect(h.exitCode).toBe(0);
  const textOfId = new Map<string, string>();
  h.ids.forEach((id, i) => {
    const text = h.texts[i] ?? "";
    expect(textOfId.get(id) ?? text).toBe(text);
    textOfId.set(id, text);
  });
  expect(exactlyOnce(EXPECTED, [...textOfId.values()]).slice(0, 10)).toEqual([]);
  console.log(`commit-only: ${h.kills} kills, ${h.texts.length - textOfId.size} repeated lines, all with their original id`);
}, 180_000);

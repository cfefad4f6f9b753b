import { appendFile } from "node:fs/promises";
import { createLogger } from "../../../lib/log";
import { Tailer, type TailerOptions, type TailLine } from "..";

/** Test helpers for the tailer: real files, a real tailer, lines collected until a count is reached. */
export const quiet = createLogger("tail-test", "silent");

export function lines(prefix: string, from: number, to: number): string {
  let out = "";
  for (let i = from; i < to; i++) out += `${prefix} line ${i} ${"x".repeat(i % 37)}\n`;
  return out;
}

export async function writeLines(path: string, prefix: string, from: number, to: number): Promise<void> {
  await appendFile(path, lines(prefix, from, to));
}

/**
 * Runs a tailer, committing every batch, until `count` lines arrived, then
 * closes it. `during(got)` runs after each batch (to rotate mid-stream).
 * Rejects after `timeoutMs` naming how many lines came.
 */
export async function collect(
  opts: Omit<TailerOptions, "log">,
  count: number,
  during: (got: TailLine[]) => Promise<void> = async () => undefined,
  timeoutMs = 20_000,
): Promise<TailLine[]> {
  const tailer = await Tailer.open({ pollIntervalMs: 30, log: quiet, ...opts });
  const got: TailLine[] = [];
  const timer = setTimeout(() => void tailer.close(), timeoutMs);
  try {
    for await (const batch of tailer) {
      got.push(...batch.lines);
      await batch.commit();
      if (got.length >= count) break;
      await during(got);
    }
  } finally {
    clearTimeout(timer);
    await tailer.close();
  }
  if (got.length < count) throw new Error(`expected ${count} lines, got ${got.length}: …${got.slice(-3).map((l) => l.text).join(" | ")}`);
  return got;
}

/** Every expected text exactly once; returns the problems (empty = exact). The oracle of the rotation and kill tests. */
export function exactlyOnce(expected: readonly string[], got: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const t of got) counts.set(t, (counts.get(t) ?? 0) + 1);
  const problems: string[] = [];
  for (const t of expected) {
    const n = counts.get(t) ?? 0;
    if (n !== 1) problems.push(`${JSON.stringify(t)} seen ${n} times`);
    counts.delete(t);
  }
  for (const [t, n] of counts) problems.push(`unexpected ${JSON.stringify(t)} seen ${n} times`);
  return problems;
}

export function expectedTexts(prefix: string, from: number, to: number): string[] {
  return lines(prefix, from, to).split("\n").slice(0, -1);
}

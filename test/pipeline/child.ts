import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

/**
 * A TypeScript fixture run as a process of its own (so it can be SIGKILLed
 * and so an embedded engine or a spool lock belongs to it alone), speaking
 * to the test by stdout lines.
 */
export interface FixtureProcess {
  readonly proc: ChildProcess;
  /** Resolves when `line` has been printed `n` times; rejects if the process exits first. */
  line(line: string, n?: number): Promise<void>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnFixture(file: string, env: Record<string, string>): FixtureProcess {
  const proc = spawn(process.execPath, ["--import", "tsx", file], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
  const seen = new Map<string, number>();
  const waiters: Array<{ line: string; n: number; resolve: () => void }> = [];
  createInterface({ input: proc.stdout! }).on("line", (l) => {
    const count = (seen.get(l) ?? 0) + 1;
    seen.set(l, count);
    for (const w of waiters) if (w.line === l && w.n === count) w.resolve();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return {
    proc,
    exited,
    line: (line, n = 1) =>
      new Promise<void>((resolve, reject) => {
        if ((seen.get(line) ?? 0) >= n) return resolve();
        waiters.push({ line, n, resolve });
        void exited.then(({ code, signal }) => reject(new Error(`${file} exited (${code ?? signal}) before printing "${line}" #${n}`)));
      }),
  };
}

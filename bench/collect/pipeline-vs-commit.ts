/**
 * bench/collect/pipeline-vs-commit — issue #13 item 3 against the collector
 * as it was, not against today's code with per-event signing (which shares
 * every other gain of the issue: the faster canonical JSON, CRC-32C and
 * redaction pre-check): the same lines through this checkout's pipeline and
 * through the pipeline of COMMIT (default 405ba5e, the last commit before
 * head signing), each in its own process, alternating round by round, best
 * of each kept.
 *
 *   npx tsx bench/collect/pipeline-vs-commit.ts [--commit 405ba5e] [--lines 200000] [--rounds 3]
 *
 * COMMIT is checked out with `git worktree add --detach` into a temporary
 * directory (removed at the end) sharing this checkout's node_modules, so it
 * needs the repository's history (a full clone). Ends with one BENCH line.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { printBenchLine } from "../lib/report";

const TARGET = 2;
const { values } = parseArgs({ options: { commit: { type: "string", default: "405ba5e" }, lines: { type: "string", default: "200000" }, rounds: { type: "string", default: "3" } } });
const lines = z.coerce.number().int().min(1000).parse(values.lines);
const rounds = z.coerce.number().int().min(1).parse(values.rounds);
const here = resolve(import.meta.dirname, "../..");
const git = (...args: string[]) => execFileSync("git", ["-C", here, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
function resolveCommit(ref: string): string {
  try {
    return git("rev-parse", "--verify", "--quiet", `${ref}^{commit}`);
  } catch {
    throw new Error(`--commit ${ref}: no such commit in ${here} (this bench needs the repository's history: a full clone, not --depth 1)`);
  }
}
const commit = resolveCommit(values.commit);
const resultSchema = z.object({ mode: z.enum(["then", "now"]), auth: z.number(), auditd: z.number(), both: z.number() });
type Result = z.infer<typeof resultSchema>;

function run(root: string, mode: "then" | "now"): Result {
  const out = execFileSync(process.execPath, ["--import", "tsx", join(here, "bench/collect/pipeline-run.ts")], {
    cwd: here,
    env: { ...process.env, ROOT: root, MODE: mode, LINES: String(lines) },
    encoding: "utf8",
  });
  const last = out.trim().split("\n").at(-1) ?? "";
  return resultSchema.parse(JSON.parse(last));
}

const worktree = join(mkdtempSync(join(tmpdir(), "prodtrail-pipeline-then-")), "checkout");
git("worktree", "add", "--detach", worktree, commit);
try {
  symlinkSync(join(here, "node_modules"), join(worktree, "node_modules"));
  let then: Result | undefined;
  let now: Result | undefined;
  for (let r = 0; r < rounds; r++) {
    const a = run(worktree, "then");
    const b = run(here, "now");
    console.log(`round ${r + 1}: ${commit.slice(0, 7)} ${a.both.toLocaleString("en")} lines/s | this checkout ${b.both.toLocaleString("en")} lines/s | ${(b.both / a.both).toFixed(2)}x`);
    if (then === undefined || a.both > then.both) then = a;
    if (now === undefined || b.both > now.both) now = b;
  }
  if (then === undefined || now === undefined) throw new Error("no round ran");
  const ratio = now.both / then.both;
  console.log(`pipeline = ${ratio.toFixed(2)}x of the collector at ${commit.slice(0, 7)} (best of ${rounds}; target ≥ ${TARGET.toFixed(2)}x)`);
  const row = (name: "auth" | "auditd" | "both", figure: string) => ({
    figure,
    value: now[name],
    unit: "lines/s",
    baseline: `the collector at ${commit.slice(0, 7)} (${then[name].toLocaleString("en")} lines/s)`,
    ratio: Number((now[name] / then[name]).toFixed(3)),
    ...(name === "both" ? { target: `>= ${TARGET.toFixed(2)}x`, met: ratio >= TARGET } : {}),
  });
  printBenchLine("collector-pipeline-vs-commit", [row("auth", `auth, ${lines.toLocaleString("en")} lines`), row("auditd", `auditd, ${lines.toLocaleString("en")} lines`), row("both", "pipeline, both logs")]);
} finally {
  git("worktree", "remove", "--force", worktree);
  rmSync(join(worktree, ".."), { recursive: true, force: true });
}

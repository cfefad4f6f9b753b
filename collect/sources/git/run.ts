import { spawn } from "node:child_process";

/**
 * Runs git without a shell (arguments are never interpreted), collecting
 * stdout as bytes: paths are parsed from `-z` output, never from text that
 * git may quote. `GIT_TERMINAL_PROMPT=0`: a fetch that needs credentials
 * fails instead of waiting for a password on a daemon's missing terminal.
 */
export class GitError extends Error {
  constructor(readonly args: readonly string[], readonly code: number | null, readonly stderr: string, readonly repo: string) {
    super(`git ${args.join(" ")} in ${repo} failed (exit ${code ?? "signal"}): ${stderr.trim().slice(0, 500)}`);
    this.name = "GitError";
  }
}

export function git(repo: string, args: readonly string[], input?: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", ["-C", repo, ...args], {
      stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
      env: { ...process.env, GIT_TERMINAL_PROMPT: "0", LC_ALL: "C" },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on("data", (c: Buffer) => out.push(c));
    child.stderr?.on("data", (c: Buffer) => err.push(c));
    child.on("error", (e) => reject(new GitError(args, null, e.message, repo)));
    child.on("close", (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new GitError(args, code, Buffer.concat(err).toString("utf8"), repo));
    });
    if (child.stdin !== null) {
      // git may exit before reading all of stdin (an error); its exit code is the report, not EPIPE.
      child.stdin.on("error", () => undefined);
      child.stdin.end(input);
    }
  });
}

/** git exits 1 for "no" in predicates (merge-base --is-ancestor, rev-parse --verify -q). */
export async function gitTest(repo: string, args: readonly string[]): Promise<boolean> {
  try {
    await git(repo, args);
    return true;
  } catch (err) {
    if (err instanceof GitError && err.code === 1) return false;
    if (err instanceof GitError && err.code === 128 && args[0] === "cat-file") return false;
    throw err;
  }
}

export async function gitText(repo: string, args: readonly string[]): Promise<string> {
  return (await git(repo, args)).toString("utf8").trim();
}

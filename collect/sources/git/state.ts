import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { isErrno, writeFileDurably } from "../../../lib/durable-file";

/**
 * `git-index.json`: per repository, per tracked branch, the last commit
 * whose events are durable, and the tip whose snapshot was emitted. Commits
 * reachable from these are never emitted again (`rev-list --not`).
 */
const branchSchema = z.strictObject({
  indexed: z.string().regex(/^[0-9a-f]{40,64}$/).nullable(),
  snapshot: z.string().regex(/^[0-9a-f]{40,64}$/).nullable(),
});
const stateSchema = z.strictObject({
  version: z.literal(1),
  repos: z.record(z.string(), z.record(z.string(), branchSchema)),
});
export type GitIndexState = z.infer<typeof stateSchema>;
export type BranchState = z.infer<typeof branchSchema>;

export const STATE_FILE = "git-index.json";

export async function readGitState(stateDir: string): Promise<GitIndexState> {
  const path = join(stateDir, STATE_FILE);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if (isErrno(err, "ENOENT")) return { version: 1, repos: {} };
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = stateSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(`${path} is not a valid git index state; move it away to re-index (events are deduplicated by id)`);
  }
  return parsed.data;
}

export async function writeGitState(stateDir: string, state: GitIndexState): Promise<void> {
  await writeFileDurably(join(stateDir, STATE_FILE), `${JSON.stringify(state)}\n`);
}

import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { z } from "zod";
import { blobIdOf } from "../collect/sources/files/blob";
import type { DriftMapping } from "../config/drift";
import type { Store } from "../store/open";
import { defineQuery } from "../store/query";
import { mapPath } from "./mappings";
import { TreeIndex } from "./trees";
import { DiffTooLargeError, unifiedDiff } from "./unified-diff";

/**
 * The backport patch (issue #12): a direct edit's host content, as the files
 * collector kept it (collect.sources.files.keep_content; redacted, ≤ 16 KiB),
 * as a unified diff against the repository file at the commit deployed on
 * the host before the edit — ready for `git apply` in the repository.
 * The repository's version comes from a kept copy of the same blob (the
 * deploy's own write, when kept) or from a local clone (`repoDir`, read with
 * `git cat-file`, blob id checked). Without what it needs it says exactly why.
 */
export class PatchUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PatchUnavailableError";
  }
}

export interface Patch {
  diff: string;
  repo: string;
  repoPath: string;
  deployedCommit: string;
  /** Said to the user beside the patch (stderr on the CLI): redactions, where the base came from. */
  notes: string[];
}

const editQuery = defineQuery({
  name: "drift.patch_edit",
  params: z.object({ id: z.string() }),
  row: z.object({
    host: z.string(), env: z.string(), path: z.string(), repo: z.string(), repo_path: z.string(), after_hash: z.string(), op: z.string(),
    t: z.string(), raw: z.string(), kept: z.string(), labels: z.record(z.string(), z.string()),
  }),
  sql: (t) => `
    SELECT d.host AS host, d.env AS env, d.path AS path, d.repo AS repo, d.repo_path AS repo_path, d.after_hash AS after_hash, d.op AS op,
           toString(d.occurred_at) AS t, e.raw AS raw, e.labels['kept'] AS kept, e.labels AS labels
    FROM (SELECT * FROM ${t.drift} FINAL WHERE change_event_id = {id:String}) AS d
    LEFT JOIN (SELECT event_id, raw, labels FROM ${t.events} WHERE event_id = {id:String} LIMIT 1) AS e ON e.event_id = d.change_event_id
    LIMIT 1`,
});

const deployedQuery = defineQuery({
  name: "drift.patch_deployed",
  params: z.object({ host: z.string(), env: z.string(), repo: z.string(), t: z.string() }),
  row: z.object({ commit: z.string(), deploy_id: z.string() }),
  sql: (t) => `
    SELECT commit, deploy_id FROM ${t.events}
    WHERE type = 'deploy.release' AND outcome != 'failure' AND host = {host:String} AND env = {env:String} AND repo = {repo:String}
      AND occurred_at <= parseDateTime64BestEffort({t:String}, 3, 'UTC')
    ORDER BY occurred_at DESC LIMIT 1`,
});

const keptBlobQuery = defineQuery({
  name: "drift.patch_kept_blob",
  params: z.object({ blob: z.string() }),
  row: z.object({ raw: z.string() }),
  sql: (t) => `SELECT raw FROM ${t.events} WHERE type = 'change.file' AND after_hash = {blob:String} AND labels['kept'] = 'content' LIMIT 1`,
});

const run = promisify(execFile);

async function repositoryContent(store: Store, blob: string, repoDir: string | undefined): Promise<{ text: string; from: string } | undefined> {
  const [kept] = await keptBlobQuery(store, { blob });
  if (kept !== undefined && blobIdOf(Buffer.from(kept.raw)) === blob) return { text: kept.raw, from: "a kept copy of the deployed file" };
  if (repoDir === undefined || !/^[0-9a-f]{40}$/.test(blob)) return undefined;
  const { stdout } = await run("git", ["-C", repoDir, "cat-file", "blob", blob], { encoding: "buffer", maxBuffer: 64 * 1024 * 1024 });
  return { text: stdout.toString("utf8"), from: `${repoDir} (git cat-file)` };
}

/**
 * `mappings`: the drift config's, to honour a mapping's keep_content; the
 * dashboard does not hold the config, so it passes undefined and relies on
 * the collector-side opt-in (no content is kept where nobody opted in).
 */
export async function buildPatch(store: Store, mappings: readonly DriftMapping[] | undefined, changeEventId: string, options: { repoDir?: string } = {}): Promise<Patch> {
  const [edit] = await editQuery(store, { id: changeEventId });
  if (edit === undefined) throw new PatchUnavailableError(`no direct edit with change event id ${changeEventId}; list them with 'prodtrail drift'`);
  if (edit.repo === "") throw new PatchUnavailableError(`${edit.host}:${edit.path} is unmanaged: no drift mapping names the repository it belongs in`);
  if (mappings !== undefined && !mapPath(mappings, edit.host, edit.labels, edit.path).some((m) => m.mapping.keep_content)) {
    throw new PatchUnavailableError(`no patch: the drift mapping of ${edit.host}:${edit.path} does not keep content (set keep_content: true on it, and collect.sources.files.keep_content on the host)`);
  }
  if (edit.op === "delete" || edit.after_hash === "") throw new PatchUnavailableError(`no patch: the edit deleted ${edit.path}; 'git rm ${edit.repo_path}' in ${edit.repo} is the backport`);
  const why: Record<string, string> = {
    "": `the files collector kept no content for this change (is ${edit.path} under collect.sources.files.keep_content on ${edit.host}? it was not when the change was seen)`,
    "too-large": "the file was larger than collect.sources.files.keep_content_max_bytes (at most 16 KiB) when it changed",
    binary: "the file is binary; a patch needs text (the blob hash still compares, see 'prodtrail drift show')",
    "not-text-utf8": "the file is not UTF-8 text",
  };
  if (edit.kept !== "content" && edit.kept !== "redacted") throw new PatchUnavailableError(`no patch for ${changeEventId}: ${why[edit.kept] ?? `unknown kept label '${edit.kept}'`}`);
  const notes: string[] = [];
  if (edit.kept === "redacted" || blobIdOf(Buffer.from(edit.raw)) !== edit.after_hash) {
    notes.push(`secrets in the host file were redacted before it left the host: the patch carries [REDACTED] where they were; put the real values in before committing`);
  }
  const [deployed] = await deployedQuery(store, { host: edit.host, env: edit.env, repo: edit.repo, t: `${edit.t.replace(" ", "T")}Z` });
  if (deployed === undefined) throw new PatchUnavailableError(`no patch: no deploy of ${edit.repo} to ${edit.host} before the edit, so no repository version to diff against`);
  const trees = await TreeIndex.load(store, [{ repo: edit.repo, path: edit.repo_path }]);
  const base = trees.blobAt(edit.repo, deployed.commit, edit.repo_path);
  if (base === undefined) throw new PatchUnavailableError(`no patch: the deployed commit ${deployed.commit} of ${edit.repo} is not indexed yet`);
  let before: string | null = null;
  if (base !== "") {
    const content = await repositoryContent(store, base, options.repoDir);
    if (content === undefined) throw new PatchUnavailableError(`no patch: the repository's version of ${edit.repo_path} (blob ${base} at ${deployed.commit.slice(0, 12)}) was not kept; pass --repo-dir with a clone of ${edit.repo}`);
    before = content.text;
    notes.push(`diff against ${edit.repo}@${deployed.commit.slice(0, 12)}:${edit.repo_path} (deploy ${deployed.deploy_id || "?"}), read from ${content.from}`);
  } else notes.push(`${edit.repo}@${deployed.commit.slice(0, 12)} has no ${edit.repo_path}: the patch adds it`);
  let diff: string;
  try {
    diff = unifiedDiff(edit.repo_path, before, edit.raw);
  } catch (error) {
    if (error instanceof DiffTooLargeError) throw new PatchUnavailableError(`no patch: ${error.message}`);
    throw error;
  }
  if (diff === "") throw new PatchUnavailableError(`no patch: the host content equals ${edit.repo}@${deployed.commit.slice(0, 12)}:${edit.repo_path}`);
  return { diff, repo: edit.repo, repoPath: edit.repo_path, deployedCommit: deployed.commit, notes };
}

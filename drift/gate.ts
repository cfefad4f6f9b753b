import { z } from "zod";
import { chTimeToIso } from "../store/event-rows";
import type { Store } from "../store/open";
import { defineQuery } from "../store/query";
import { TreeIndex } from "./trees";

/**
 * The pre-deploy gate (issue #12): before releasing `commit` of `repo` to
 * `env` (optionally only `hosts`), which direct edits would the release
 * overwrite? An edit blocks when it is pending or unreconciled (accepted,
 * backported, superseded… do not), it is still the host's content of the
 * file (no later change replaced it), and the release's tree — read through
 * the repository graph, trees.ts — carries other content at the mapped path.
 * A release that does not carry the file does not overwrite it.
 *
 * It reads the drift table, which the drift job keeps current
 * (drift.interval_seconds); `prodtrail drift gate --evaluate` runs the job first.
 */
export const gateRequestSchema = z.strictObject({
  repo: z.string().trim().min(1, { message: "name the repository (--repo, as the git source records it)" }).max(256),
  commit: z.string().trim().regex(/^[0-9a-f]{40}$/, { message: "must be the full 40-hex commit id being deployed" }),
  env: z.string().trim().min(1, { message: "name the environment deployed to (--env)" }).max(64),
  hosts: z.array(z.string().trim().min(1).max(255)).max(10_000).default([]),
});
export type GateRequest = z.input<typeof gateRequestSchema>;

export interface GateEdit {
  change_event_id: string;
  host: string;
  path: string;
  repo_path: string;
  state: string;
  occurred_at: string;
  actor_id: string;
  attribution_method: string;
  attribution_confidence: number;
  after_hash: string;
  /** What the release writes there. */
  release_blob: string;
}

export interface GateReport {
  repo: string;
  commit: string;
  env: string;
  hosts: string[];
  /** Edits the release would overwrite: exit 3 when any. */
  would_overwrite: GateEdit[];
  /** Open edits on the target hosts that the release carries as they are (their content is in the commit). */
  contained: number;
}

export class GateCommitUnknownError extends Error {
  constructor(readonly repo: string, readonly commit: string) {
    super(`commit ${commit} of ${repo} is not indexed (yet): the gate cannot tell what the release writes. Check --repo/--commit, or wait for the git source's next fetch`);
    this.name = "GateCommitUnknownError";
  }
}

const openEditsQuery = defineQuery({
  name: "drift.gate_open_edits",
  params: z.object({ repo: z.string(), env: z.string(), hosts: z.array(z.string()) }),
  row: z.object({
    change_event_id: z.string(), host: z.string(), path: z.string(), repo_path: z.string(), state: z.string(), occurred_at: z.string().transform(chTimeToIso),
    actor_id: z.string(), attribution_method: z.string(), attribution_confidence: z.coerce.number(), after_hash: z.string(),
  }),
  sql: (t) => `
    SELECT change_event_id, host, path, repo_path, state, toString(occurred_at) AS occurred_at, actor_id, attribution_method, attribution_confidence, after_hash
    FROM ${t.drift} FINAL
    WHERE env = {env:String} AND repo = {repo:String} AND (empty({hosts:Array(String)}) OR has({hosts:Array(String)}, host))
      AND state IN ('pending', 'unreconciled') AND overwritten_by = ''
    ORDER BY host, path, occurred_at`,
});

const commitKnownQuery = defineQuery({
  name: "drift.gate_commit_known",
  params: z.object({ repo: z.string(), commit: z.string() }),
  row: z.object({ n: z.coerce.number() }),
  sql: (t) => `SELECT count() AS n FROM ${t.code_commits} WHERE repo = {repo:String} AND commit = {commit:String}`,
});

export async function driftGate(store: Store, input: GateRequest): Promise<GateReport> {
  const request = gateRequestSchema.parse(input);
  if (((await commitKnownQuery(store, request))[0]?.n ?? 0) === 0) throw new GateCommitUnknownError(request.repo, request.commit);
  const open = await openEditsQuery(store, request);
  const trees = await TreeIndex.load(store, open.map((e) => ({ repo: request.repo, path: e.repo_path })));
  const release = trees.treeAt(request.repo, request.commit, [...new Set(open.map((e) => e.repo_path))]);
  if (release === undefined) throw new GateCommitUnknownError(request.repo, request.commit);
  const report: GateReport = { ...request, would_overwrite: [], contained: 0 };
  for (const edit of open) {
    const releaseBlob = release.get(edit.repo_path) ?? "";
    if (releaseBlob === edit.after_hash) report.contained += 1;
    else if (releaseBlob !== "") report.would_overwrite.push({ ...edit, release_blob: releaseBlob });
  }
  return report;
}

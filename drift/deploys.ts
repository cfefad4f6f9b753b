import type { DeployCandidateRow, FactsRow } from "./facts";
import { chMs, present } from "./time";
import type { TreeIndex, TreeNeed } from "./trees";

/**
 * Which deploy, if any, wrote a change: a deploy of the host's mapped
 * repository within the window (facts.ts gathers every one, so two releases
 * inside one window are told apart — issue #12, class 1) whose commit's tree
 * (trees.ts, by the repository graph) holds exactly the new content at the
 * mapped path, and
 *   - whose commit existed when the file changed: a hand edit that a commit
 *     brought minutes later and a deploy then confirmed is a backport, not
 *     the deploy's write (class 8);
 *   - that began after the file's previous change: a deploy vouches for the
 *     one write it caused, not a hand edit and its revert a few minutes after.
 * The pipeline's own channels (ci-deploy, config-mgmt) are sanctioned by
 * themselves. Facts = the SQL's row plus this verdict for the change and for
 * the change after it.
 */
export interface DeployFacts {
  sanctioned: number;
  deploy_event_id: string;
  deploy_id: string;
  deploy_commit: string;
  deploy_at: string;
  deploy_commit_known: number;
  next_sanctioned: number;
  next_deploy_id: string;
  /** Who ran the deploy that wrote the content (the deploy event's attribution), '' when no deploy wrote it. */
  deployer: { actorId: string; method: string; confidence: number } | null;
}
export type Facts = FactsRow & DeployFacts;

interface Candidate {
  eventId: string;
  deployId: string;
  commit: string;
  at: string;
  atMs: number;
  commitAtMs: number;
  known: boolean;
  actorId: string;
  method: string;
  confidence: number;
}

const PIPELINE_CHANNELS: ReadonlySet<string> = new Set(["ci-deploy", "config-mgmt"]);

function candidates(rows: readonly DeployCandidateRow[]): Candidate[] {
  return rows.map(([eventId, deployId, commit, at, commitAt, known, actorId, method, confidence]) => ({
    eventId, deployId, commit, at, atMs: chMs(at), commitAtMs: present(commitAt) ? chMs(commitAt) : Number.NaN, known: known === 1, actorId, method, confidence,
  }));
}

interface Write {
  t: string;
  prevT: string;
  after: string;
  cands: readonly DeployCandidateRow[];
}

/** The deploy that wrote this content, or undefined. */
function writer(f: FactsRow, w: Write, trees: TreeIndex): Candidate | undefined {
  const t = chMs(w.t);
  const prev = present(w.prevT) ? chMs(w.prevT) : Number.NEGATIVE_INFINITY;
  let best: Candidate | undefined;
  for (const c of candidates(w.cands)) {
    if (!c.known || !(c.commitAtMs <= t) || !(prev < c.atMs)) continue;
    if (trees.blobAt(f.repo, c.commit, f.repo_path) !== w.after) continue;
    if (best === undefined || Math.abs(c.atMs - t) < Math.abs(best.atMs - t)) best = c;
  }
  return best;
}

/** What trees.ts must load to judge these rows. */
export function treeNeeds(rows: readonly FactsRow[]): TreeNeed[] {
  return rows.filter((r) => r.m !== 0 && (r.cands.length > 0 || r.next_cands.length > 0)).map((r) => ({ repo: r.repo, path: r.repo_path }));
}

export function withDeploys(f: FactsRow, trees: TreeIndex): Facts {
  const own = writer(f, { t: f.t, prevT: f.prev_t, after: f.after, cands: f.cands }, trees);
  const next = f.next_id === "" ? undefined : writer(f, { t: f.next_t, prevT: f.t, after: f.next_after, cands: f.next_cands }, trees);
  const all = candidates(f.cands);
  // Shown when nothing wrote it: a nearby deploy whose commit is not indexed yet explains a "pending" (late repository fetch).
  const shown = own ?? all.find((c) => !c.known) ?? all[all.length - 1];
  return {
    ...f,
    sanctioned: f.m !== 0 && (PIPELINE_CHANNELS.has(f.channel) || own !== undefined) ? 1 : 0,
    deploy_event_id: shown?.eventId ?? "",
    deploy_id: shown?.deployId ?? "",
    deploy_commit: shown?.commit ?? "",
    deploy_at: shown?.at ?? "",
    deploy_commit_known: shown?.known === true ? 1 : 0,
    next_sanctioned: f.next_id !== "" && (PIPELINE_CHANNELS.has(f.next_channel) || next !== undefined) ? 1 : 0,
    next_deploy_id: next?.deployId ?? "",
    deployer: own === undefined ? null : { actorId: own.actorId, method: own.method, confidence: own.confidence },
  };
}

import type { Facts } from "./deploys";
import { ACCEPTABLE_STATES, FLAGGED_STATES, STATE_RANK, type DriftState } from "./states";
import { chMs as ms, present, toIso } from "./time";

/**
 * The per-edit state machine over the facts the SQL gathered (facts.ts) and
 * the deploy that wrote the content, if any (deploys.ts). Order of the
 * questions, as DESIGN.md lists them:
 *   no mapping → unmanaged; arrived through a deploy → sanctioned; a commit
 *   held the content already → matches codebase (a deletion of a file the
 *   repository never had too: the host now matches it); then whichever came
 *   first of "the next change of this file on this host" and "a commit
 *   bringing the content": a deploy writing other content first → lost
 *   hotfix, a hand change putting back the previous or a codebase content
 *   first → reverted, a hand change whose own content a commit later brought
 *   → superseded, the commit first → backported; else pending until the
 *   grace period, unreconciled after it. An acceptance closes
 *   pending/unreconciled/lost.
 */
export interface Verdict {
  state: DriftState;
  reason: string;
  flagged: boolean;
  matchedCommit: string;
  matchedAt: string | null;
  lagS: number | null;
  overwrittenBy: string;
  overwrittenAt: string | null;
  overwriteDeployId: string;
}

export { toIso };

const short = (sha: string) => sha.slice(0, 12);

export function classify(f: Facts, nowMs: number, graceMs: number): Verdict {
  return applyAcceptance(f, judge(f, nowMs, graceMs));
}

function judge(f: Facts, nowMs: number, graceMs: number): Verdict {
  const base: Verdict = { state: "pending", reason: "", flagged: false, matchedCommit: "", matchedAt: null, lagS: null, overwrittenBy: "", overwrittenAt: null, overwriteDeployId: "" };
  const what = f.after === "" ? (f.op === "rename" ? `the rename of ${f.path} to ${f.old_path}` : "the deletion") : `blob ${short(f.after)}`;
  if (f.m === 0) return { ...base, state: "unmanaged", reason: `no drift mapping covers ${f.host}:${f.path}` };
  if (f.sanctioned === 1) {
    const reason = f.channel === "ci-deploy" || f.channel === "config-mgmt"
      ? `written by the ${f.channel} channel`
      : `arrived with deploy ${f.deploy_id || f.deploy_event_id} of ${f.repo}@${short(f.deploy_commit)}, whose tree holds ${what} at ${f.repo_path}`;
    return { ...base, state: "sanctioned", reason };
  }
  if (f.held_commit !== "") {
    return { ...base, state: "matches_codebase", reason: `${f.repo}@${short(f.held_commit)} already held ${what} at ${f.repo_path}`, matchedCommit: f.held_commit, matchedAt: toIso(f.held_at) };
  }
  const t = ms(f.t);
  // Deleting a file the repository did not have (a stray backup, a leftover) puts the host back in line with the codebase: nothing to commit.
  if (f.after === "" && f.op !== "rename" && (!present(f.path_first_at) || ms(f.path_first_at) > t)) {
    return { ...base, state: "matches_codebase", reason: `${f.repo} had no file at ${f.repo_path} when ${f.path} was deleted: the host matches the codebase again (the file was never managed content)` };
  }
  const laterAt = f.later_commit !== "" ? ms(f.later_at) : Number.POSITIVE_INFINITY;
  const nextAt = f.next_id !== "" ? ms(f.next_t) : Number.POSITIVE_INFINITY;
  let replaced = "";
  if (f.next_id !== "" && nextAt <= laterAt) {
    const over = { overwrittenBy: f.next_id, overwrittenAt: toIso(f.next_t), overwriteDeployId: f.next_deploy_id };
    if (f.next_sanctioned === 1 && f.next_after !== f.after) {
      const by = f.next_deploy_id !== "" ? `deploy ${f.next_deploy_id}` : "a sanctioned change";
      const reason = `${by} overwrote ${what} at ${toIso(f.next_t)} before any commit of ${f.repo} held it`;
      // Committed after it was lost: the next release brings it back, so it no longer needs anyone's attention.
      if (f.later_commit !== "") {
        const lagS = Math.round((laterAt - t) / 1000);
        return { ...base, ...over, state: "lost_hotfix", flagged: false, matchedCommit: f.later_commit, matchedAt: toIso(f.later_at), lagS, reason: `${reason}; ${f.repo}@${short(f.later_commit)} committed it ${formatLag(lagS)} after the edit` };
      }
      return { ...base, ...over, state: "lost_hotfix", flagged: true, reason };
    }
    if (f.next_sanctioned === 0 && (((f.before !== "" || f.op === "create") && f.next_after === f.before) || f.next_held === 1)) {
      const back = f.next_held === 1 ? "a codebase version" : "the content it replaced";
      return { ...base, ...over, state: "reverted", flagged: true, reason: `change ${f.next_id} put back ${back} at ${toIso(f.next_t)}; ${what} never reached ${f.repo}` };
    }
    if (f.next_sanctioned === 0 && f.next_later !== "") {
      // The file's story went on in the next edit, and that one reached the codebase: this intermediate content asks nothing of anyone.
      return { ...base, ...over, state: "superseded", flagged: true, reason: `a later hand change ${f.next_id} replaced ${what} at ${toIso(f.next_t)}, and ${f.repo}@${short(f.next_later)} brought that later content; ${what} itself never reached ${f.repo}` };
    }
    replaced = `; a later hand change ${f.next_id} replaced it at ${toIso(f.next_t)}`;
    Object.assign(base, over);
  }
  if (f.later_commit !== "") {
    const lagS = Math.round((laterAt - t) / 1000);
    const late = laterAt - t > graceMs ? " (after the grace period)" : "";
    const confirmed = f.deploy_event_id !== "" && f.deploy_commit === f.later_commit ? `; deploy ${f.deploy_id || f.deploy_event_id} of that commit confirmed it on the host` : "";
    return { ...base, state: "backported", reason: `${f.repo}@${short(f.later_commit)} brought ${what} to ${f.repo_path} ${formatLag(lagS)} later${late}${confirmed}`, matchedCommit: f.later_commit, matchedAt: toIso(f.later_at), lagS };
  }
  const old = nowMs - t > graceMs;
  const state: DriftState = old ? "unreconciled" : "pending";
  let reason = old
    ? `no commit of ${f.repo} holds ${what} at ${f.repo_path} after ${formatLag(Math.round(graceMs / 1000))} (grace period)${replaced}`
    : `no commit of ${f.repo} holds ${what} at ${f.repo_path} yet; within the grace period${replaced}`;
  if (f.deploy_event_id !== "" && f.deploy_commit_known === 0 && present(f.deploy_at) && Math.abs(ms(f.deploy_at) - t) <= 3_600_000) {
    reason += `; deploy ${f.deploy_id || f.deploy_event_id} of ${short(f.deploy_commit)} nearby is not indexed yet`;
  }
  return { ...base, state, reason, flagged: FLAGGED_STATES.has(state) };
}

/** An acceptance (ticket + note) closes an edit still asking for action, keeping what it was in the reason. */
export function applyAcceptance(f: Facts, v: Verdict): Verdict {
  if (f.accepted_by === "" || v.state === "accepted" || !ACCEPTABLE_STATES.has(v.state)) return v;
  return { ...v, state: "accepted", flagged: true, reason: `accepted by ${f.accepted_by} (${f.accepted_ticket}): ${f.accepted_note}; was ${v.state}: ${v.reason}` };
}

/** Several mappings may cover one path: keep the verdict with the best evidence (STATE_RANK). */
export function pickBest<T extends { verdict: Verdict }>(candidates: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const c of candidates) if (best === undefined || STATE_RANK[c.verdict.state] < STATE_RANK[best.verdict.state]) best = c;
  return best;
}

/** "3 s", "4 min", "5 h", "2.5 days": a lag under a minute is said in seconds (a 3 s backport is not "1 min later"). */
export function formatLag(seconds: number): string {
  if (seconds < 60) return `${Math.max(0, Math.round(seconds))} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 2 * 86_400) return `${Math.round(seconds / 3600)} h`;
  return `${(seconds / 86_400).toFixed(1)} days`;
}

import type { Attribution } from "./attribution";
import { toIso, type Verdict } from "./classify";
import type { Facts } from "./deploys";

/**
 * A drift table row from an edit's facts, verdict and attribution. Rows
 * are deterministic: the same inputs give the same row (except evaluated_at
 * and version), so several workers writing the same result collapse in the
 * ReplacingMergeTree, and the newest evaluation (highest version) wins.
 */
export interface DriftRowInput {
  facts: Facts;
  verdict: Verdict;
  attribution: Attribution;
}

const chTime = (iso: string | null): string | null => (iso === null ? null : iso.replace("T", " ").replace("Z", ""));
const presentTime = (text: string): string | null => (text === "" || text.startsWith("1970-01-01") ? null : chTime(toIso(text)));

export function driftRow(input: DriftRowInput, nowMs: number): Record<string, unknown> {
  const { facts: f, verdict: v, attribution: a } = input;
  return {
    change_event_id: f.event_id,
    env: f.env,
    host: f.host,
    service: f.service,
    path: f.path,
    occurred_at: chTime(toIso(f.t)),
    before_hash: f.before,
    after_hash: f.after,
    repo: f.repo,
    repo_path: f.repo_path,
    state: v.state,
    state_reason: v.reason,
    actor_id: a.actorId,
    attribution_method: a.method,
    attribution_confidence: a.confidence,
    session_id: a.sessionId,
    matched_commit: v.matchedCommit,
    matched_at: chTime(v.matchedAt),
    overwritten_by: v.overwrittenBy,
    accepted_by: f.accepted_by,
    accepted_ticket: f.accepted_ticket,
    accepted_note: f.accepted_note,
    accepted_at: presentTime(f.accepted_at),
    evaluated_at: chTime(new Date(nowMs).toISOString()),
    version: nowMs,
    op: f.op,
    channel: f.channel,
    old_path: f.old_path,
    flagged: v.flagged,
    lag_s: v.lagS,
    overwritten_at: chTime(v.overwrittenAt),
    overwrite_deploy_id: v.overwriteDeployId,
    deploy_event_id: v.state === "sanctioned" ? f.deploy_event_id : "",
    facts_hash: f.fp,
  };
}

/**
 * A sanctioned change names the pipeline that made it: the deploy's own
 * attribution when a deploy wrote the content (the files collector sees
 * content, not people: its change says "unknown"), else the change event's
 * (a ci-deploy or config-mgmt channel event carries its identity).
 */
export function eventAttribution(f: Facts): Attribution {
  if (f.deployer !== null && f.deployer.actorId !== "" && (f.actor_id === "" || f.actor_id === "unknown")) {
    return { actorId: f.deployer.actorId, method: f.deployer.method || "none", confidence: f.deployer.confidence, sessionId: "", evidence: `deploy ${f.deploy_id || f.deploy_event_id} wrote it` };
  }
  return { actorId: f.actor_id || "unknown", method: f.attribution_method || "none", confidence: f.attribution_confidence, sessionId: f.session_id, evidence: "the change event's own attribution" };
}

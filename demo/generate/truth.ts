import type { PathMapping } from "./mappings";

/**
 * Ground truth: what every change the demo makes on a host really is, as
 * the generator knows it. Issue 6's drift engine is scored against it
 * (precision: sanctioned changes never flagged; recall: every direct edit
 * whose content no commit holds is flagged).
 *
 * States:
 * - backported: a later commit brought exactly this content (lag_s).
 * - lost_hotfix: a deploy (or puppet run) overwrote it before any commit held it.
 * - never_committed: still on the host, no commit holds it.
 * - reverted: a person put the codebase content back by hand (reverted_by).
 * - restored: the hand edit that did that revert — its content is a codebase blob.
 * - sanctioned: written by the ci-deploy pipeline or by config management.
 * - unmanaged: a path (or package) no mapping covers.
 */
export type TruthState = "backported" | "lost_hotfix" | "never_committed" | "reverted" | "restored" | "sanctioned" | "unmanaged";

export interface TruthChange {
  event_id: string;
  kind: "file" | "package";
  occurred_at: string;
  host: string;
  env: string;
  path: string;
  channel: string;
  /** Who truly made it, whether or not the event names them. */
  true_actor: string;
  /** Whether the event itself carries the actor (auditd auid) or leaves it to inference. */
  attributed_in_event: boolean;
  session_id?: string;
  before_hash?: string;
  after_hash?: string;
  state: TruthState;
  mapping?: { repo: string; repo_path: string };
  backport?: { commit: string; commit_event_id: string; lag_s: number };
  overwritten_by?: { event_id: string; deploy_id?: string; commit?: string; at: string };
  reverted_by?: string;
  restores?: string;
  /** Any commit up to the end of the stream held after_hash at the mapped path. */
  in_codebase: boolean;
  /** What a correct drift engine flags: a direct edit on a mapped path whose content no commit holds. */
  should_flag: boolean;
}

export interface DemoTruth {
  generator: "prodtrail-demo";
  seed: number;
  anchor: string;
  window: { from: string; to: string };
  mappings: readonly PathMapping[];
  repos: Array<{ name: string; commits: number; head: string }>;
  oncall: Array<{ actor_id: string; from: string; to: string }>;
  incident: { ticket: string; grant_id: string; host: string; from: string; to: string; responders: string[] } | undefined;
  counts: Record<TruthState, number>;
  changes: TruthChange[];
}

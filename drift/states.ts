/**
 * The drift lifecycle (DESIGN.md, "Direct edits that never reached the
 * codebase"). One state per change on a host, recomputed by the job.
 */
export const DRIFT_STATES = [
  "sanctioned",
  "matches_codebase",
  "backported",
  "lost_hotfix",
  "reverted",
  "superseded",
  "accepted",
  "unreconciled",
  "pending",
  "unmanaged",
] as const;
export type DriftState = (typeof DRIFT_STATES)[number];

/**
 * Flagged: a direct edit whose content never reached the codebase — what a
 * reviewer must see. Reverted and lost hotfixes are flagged too: the content
 * is gone from the host, but nobody committed it (a lost hotfix is the bug
 * coming back with the next release). Accepted stays visible as flagged-and-
 * acknowledged. A lost hotfix whose content a commit brought later is not
 * flagged (the next release restores it). A superseded edit (replaced by a
 * later hand edit whose content a commit brought) is flagged — its content
 * never reached the codebase — but needs no attention. Unmanaged is shown
 * apart: no mapping, so no verdict either way.
 */
export const FLAGGED_STATES: ReadonlySet<DriftState> = new Set(["pending", "unreconciled", "lost_hotfix", "reverted", "superseded", "accepted"]);

/**
 * Needs attention — what `prodtrail drift --flagged`, the overview's "open
 * direct edits" and the Direct edits page's count mean: an edit someone
 * must still commit, accept or put back. Exactly: pending, unreconciled, and
 * a lost hotfix no commit holds (flagged). Not: reverted (gone from the host,
 * nothing to save), superseded (a later hand edit replaced it and that one
 * reached the codebase), accepted (someone decided, with a ticket).
 */
export const NEEDS_ATTENTION_STATES: ReadonlySet<DriftState> = new Set(["pending", "unreconciled", "lost_hotfix"]);

export function needsAttention(row: { state: DriftState; flagged: boolean }): boolean {
  return NEEDS_ATTENTION_STATES.has(row.state) && (row.state !== "lost_hotfix" || row.flagged);
}

/** States an acceptance may close: the ones that still ask for action. */
export const ACCEPTABLE_STATES: ReadonlySet<DriftState> = new Set(["pending", "unreconciled", "lost_hotfix"]);

/** Ranking when several mappings cover one path: the most reassuring verdict with evidence wins. */
export const STATE_RANK: Readonly<Record<DriftState, number>> = {
  sanctioned: 0,
  matches_codebase: 1,
  backported: 2,
  accepted: 3,
  reverted: 4,
  superseded: 4,
  lost_hotfix: 5,
  pending: 6,
  unreconciled: 7,
  unmanaged: 8,
};

export function isDriftState(value: string): value is DriftState {
  return (DRIFT_STATES as readonly string[]).includes(value);
}

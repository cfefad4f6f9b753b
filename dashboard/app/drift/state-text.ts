import type { DriftState } from "../../../drift/states";

/**
 * The order groups appear on the Direct edits page — what needs attention
 * first (drift/states.ts NEEDS_ATTENTION_STATES), then the reassuring verdicts —
 * and one line per state saying what it means (README, "Direct edits that
 * never reached the codebase").
 */
export const DISPLAY_ORDER: readonly DriftState[] = [
  "unreconciled",
  "pending",
  "lost_hotfix",
  "reverted",
  "superseded",
  "accepted",
  "backported",
  "matches_codebase",
  "sanctioned",
];

export const STATE_TEXT: Readonly<Record<DriftState, string>> = {
  unreconciled: "Content no commit holds, older than the grace period (drift.grace_period_hours, 72 h by default): commit it (the drawer offers a backport patch), accept it, or put it back.",
  pending: "Content no commit holds yet, still within the grace period.",
  lost_hotfix: "A later deploy overwrote it before any commit held its content: the fix vanished with the release.",
  reverted: "The host put back a version the codebase holds.",
  superseded: "A later hand edit replaced it, and that one reached the codebase.",
  accepted: "Someone accepted it on purpose, with a ticket and a note.",
  backported: "A later commit brought this content (the lag is in the drawer).",
  matches_codebase: "A commit already held this content.",
  sanctioned: "Came with a deploy, or through the pipeline.",
  unmanaged: "No drift.mappings entry covers the path: no verdict either way.",
};

export const stateLabel = (state: string): string => state.replaceAll("_", " ");

import type { ChainResult } from "../../collect/sign";
import { DETECTOR, type FindingRow } from "./findings";
import { addToRun, type Problem } from "./problems";

/**
 * Head signing (collect/sign/README.md): an unsigned link is verified once
 * a later signed head covering it is stored. Links still uncovered after
 * the grace time are a finding, one per run (`integrity:<c>:uncovered:<A>`,
 * "events A..B … not covered by a signed head"): the tail was cut, the head
 * was lost or withheld. Links behind a break (a gap or a tampered event
 * below the trusted tip) are not: the gap or bad-signature finding next to
 * them already says why they cannot be vouched for.
 */
/** See IntegrityJobOptions.uncoveredAfterMs: 10 minutes. */
export const DEFAULT_UNCOVERED_AFTER_MS = 10 * 60_000;

export function overdueLinks(pending: readonly ChainResult[], tipSeq: number, receivedBefore: number): Problem[] {
  const problems: Problem[] = [];
  const tail = pending.filter((r) => (r.seq ?? -1) >= tipSeq);
  // The newest link decides for the run: its head was due right after it.
  const newest = tail.reduce((t, r) => Math.max(t, r.event.received_at === undefined ? 0 : Date.parse(r.event.received_at)), 0);
  if (tail.length === 0 || newest > receivedBefore) return problems;
  for (const r of tail) {
    const seq = r.seq ?? -1;
    addToRun(problems, { kind: "uncovered", collectorId: r.event.collector_id ?? "", seq, gapEnd: seq, event: r.event });
  }
  return problems;
}

/**
 * An open uncovered finding whose run now lies below the trusted tip this
 * round reached (from `fromSeq`) without being found uncovered again: its
 * head arrived late and vouched for it.
 */
export function resolvedUncovered(
  collectorId: string,
  existing: ReadonlyMap<string, FindingRow>,
  fromSeq: number,
  tipSeq: number,
  problems: readonly Problem[],
): FindingRow[] {
  const prefix = `${DETECTOR}:${collectorId}:uncovered:`;
  const still = new Set(problems.filter((p) => p.kind === "uncovered").map((p) => p.seq));
  const resolved: FindingRow[] = [];
  for (const finding of existing.values()) {
    if (!finding.finding_id.startsWith(prefix) || finding.status === "resolved") continue;
    const first = Number(finding.finding_id.slice(prefix.length));
    if (!Number.isInteger(first) || first < fromSeq || first >= tipSeq || still.has(first)) continue;
    resolved.push({ ...finding, status: "resolved", detail: `${finding.detail} Resolved: a signed head covering these events arrived and verifies.` });
  }
  return resolved;
}

import type { AuditEvent } from "../../schemas";
import { checkLink, type ChainResult } from "../../collect/sign";
import type { VerifyKey } from "./keys";

/**
 * What verification found wrong with a collector's stream. Every problem
 * names the event it was seen at; ok, duplicate and late events are not
 * problems (a redelivery, or an event that fills an earlier gap).
 */
export type ProblemKind = "bad-signature" | "bad-hash" | "fork" | "gap" | "unsigned";

export interface Problem {
  kind: ProblemKind;
  collectorId: string;
  /** The seq the problem is at (for a gap: the first missing seq). */
  seq: number;
  event: AuditEvent;
  /** Gap: seqs `seq`..`gapEnd` (inclusive) are missing; the event is the one after them. */
  gapEnd?: number;
  /** Fork: the other events claiming the same position. */
  conflicting?: string[];
}

export interface Verified {
  checked: number;
  ok: number;
  problems: Problem[];
  /** Seqs held only by events that failed their own check (bad signature or hash). */
  untrusted: Set<number>;
}

export function emptyVerified(): Verified {
  return { checked: 0, ok: 0, problems: [], untrusted: new Set() };
}

/**
 * Runs `events` (one collector, ordered by seq) through `verifier`, adding to
 * `into`. `byHash` remembers which event carried which hash so a fork names
 * both events, across calls on the same stream.
 */
export function verifyInto(verifier: { verify(event: AuditEvent): ChainResult }, events: readonly AuditEvent[], into: Verified, byHash: Map<string, string>): void {
  for (const event of events) {
    const collectorId = event.collector_id ?? "";
    const result = verifier.verify(event);
    into.checked += 1;
    const seq = event.seq ?? -1;
    const s = result.status;
    if (s.kind === "ok" || s.kind === "duplicate" || s.kind === "late") {
      into.ok += 1;
      if (event.hash !== undefined) byHash.set(event.hash, event.event_id);
      continue;
    }
    if (s.kind === "gap") {
      // The event itself verified and linked past the hole: count it ok, report the hole.
      into.ok += 1;
      if (event.hash !== undefined) byHash.set(event.hash, event.event_id);
      // A hole made only of events already flagged as tampered is not "missing": those findings say it.
      let covered = true;
      for (let q = s.expected; q < s.got && covered; q++) covered = into.untrusted.has(q);
      if (!covered) into.problems.push({ kind: "gap", collectorId, seq: s.expected, gapEnd: s.got - 1, event });
      continue;
    }
    if (s.kind === "fork") {
      const other = s.conflictingHash !== undefined ? byHash.get(s.conflictingHash) : undefined;
      into.problems.push({ kind: "fork", collectorId, seq, event, conflicting: other !== undefined ? [other] : [] });
      continue;
    }
    if (s.kind === "bad-signature" || s.kind === "bad-hash") into.untrusted.add(seq);
    into.problems.push({ kind: s.kind, collectorId, seq, event });
  }
}

/** Hash and signature of lone events (late arrivals checked outside their chain run), against any key valid for them. */
export function checkAlone(keys: readonly VerifyKey[], events: readonly AuditEvent[]): Problem[] {
  const problems: Problem[] = [];
  for (const event of events) {
    const checks = keys.map((k) => (k.validFor(event) ? checkLink(event, k.key) : "bad-signature"));
    if (checks.includes("ok")) continue;
    const link = checks.includes("bad-hash") ? "bad-hash" : (checks[0] ?? "bad-signature");
    if (link !== "ok") problems.push({ kind: link, collectorId: event.collector_id ?? "", seq: event.seq ?? -1, event });
  }
  return problems;
}

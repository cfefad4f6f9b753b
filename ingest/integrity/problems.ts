import type { AuditEvent } from "../../schemas";
import { checkLink, type ChainResult } from "../../collect/sign";
import type { VerifyKey } from "./keys";

/**
 * What verification found wrong with a collector's stream. Every problem
 * names the event it was seen at; ok, duplicate and late events are not
 * problems (a redelivery, or an event that fills an earlier gap).
 * uncovered: chained events no signed head vouches for — more than the
 * verifier waits out in a row, or still without a head after the grace
 * time (a truncated tail, a lost or withheld head).
 */
export type ProblemKind = "bad-signature" | "bad-hash" | "fork" | "gap" | "unsigned" | "uncovered";

export interface Problem {
  kind: ProblemKind;
  collectorId: string;
  /** The seq the problem is at (for a gap: the first missing seq). */
  seq: number;
  event: AuditEvent;
  /** Gap: seqs `seq`..`gapEnd` (inclusive) are missing; the event is the one after them. Uncovered: the run `seq`..`gapEnd`, the event its first. */
  gapEnd?: number;
  /** Fork: the other events claiming the same position. */
  conflicting?: string[];
}

export interface Verified {
  checked: number;
  ok: number;
  /** Of `ok`, events vouched for by a later head's signature rather than their own. */
  byHead: number;
  problems: Problem[];
  /** Seqs held only by events that failed their own check (bad signature or hash) or that no head covers. */
  untrusted: Set<number>;
}

export function emptyVerified(): Verified {
  return { checked: 0, ok: 0, byHead: 0, problems: [], untrusted: new Set() };
}

/** What verifyInto needs of a verifier: ChainVerifier (collect/sign/verify.ts). */
export interface PushVerifier {
  push(event: AuditEvent): ChainResult[];
}

/**
 * Runs `events` (one collector, ordered by seq) through `verifier`, adding to
 * `into`. `byHash` remembers which event carried which hash so a fork names
 * both events, across calls on the same stream.
 */
export function verifyInto(verifier: PushVerifier, events: readonly AuditEvent[], into: Verified, byHash: Map<string, string>): void {
  for (const pushed of events) for (const result of verifier.push(pushed)) record(result, into, byHash);
}

/** Adds one settled result to `into` (results arrive when settled: a link's when its head does). */
export function record(result: ChainResult, into: Verified, byHash: Map<string, string>): void {
  const event = result.event;
  const collectorId = event.collector_id ?? "";
  into.checked += 1;
  if (result.head !== undefined && result.head !== result.seq && result.status.kind !== "fork") into.byHead += 1;
  const seq = event.seq ?? -1;
  const s = result.status;
  if (s.kind === "ok" || s.kind === "duplicate" || s.kind === "late") {
    into.ok += 1;
    if (event.hash !== undefined) byHash.set(event.hash, event.event_id);
    return;
  }
  if (s.kind === "uncovered") {
    into.untrusted.add(seq);
    addToRun(into.problems, { kind: "uncovered", collectorId, seq, gapEnd: seq, event });
    return;
  }
  if (s.kind === "pending") return;
  if (s.kind === "gap") {
    // The event itself verified and linked past the hole: count it ok, report the hole.
    into.ok += 1;
    if (event.hash !== undefined) byHash.set(event.hash, event.event_id);
    // A hole made only of events already flagged as tampered is not "missing": those findings say it.
    let covered = true;
    for (let q = s.expected; q < s.got && covered; q++) covered = into.untrusted.has(q);
    if (!covered) into.problems.push({ kind: "gap", collectorId, seq: s.expected, gapEnd: s.got - 1, event });
    return;
  }
  if (s.kind === "fork") {
    const other = s.conflictingHash !== undefined ? byHash.get(s.conflictingHash) : undefined;
    into.problems.push({ kind: "fork", collectorId, seq, event, conflicting: other !== undefined ? [other] : [] });
    return;
  }
  if (s.kind === "bad-signature" || s.kind === "bad-hash") into.untrusted.add(seq);
  into.problems.push({ kind: s.kind, collectorId, seq, event });
}

/** Consecutive uncovered seqs are one problem (one finding), like a gap. */
export function addToRun(problems: Problem[], p: Problem): void {
  const last = problems.at(-1);
  if (last !== undefined && last.kind === p.kind && last.gapEnd !== undefined && last.gapEnd + 1 === p.seq) {
    last.gapEnd = p.seq;
    return;
  }
  problems.push(p);
}

/** Hash and signature of lone events (late arrivals checked outside their chain run), against any key valid for them. */
export function checkAlone(keys: readonly VerifyKey[], events: readonly AuditEvent[]): Problem[] {
  const problems: Problem[] = [];
  for (const event of events) {
    const checks = keys.map((k) => (k.validFor(event) ? checkLink(event, k.key) : "bad-signature"));
    // An unsigned link whose bytes match its hash is all one event can show alone; its head is checked in its run.
    if (checks.includes("ok") || (event.sig === undefined && checks.includes("link"))) continue;
    const link = checks.includes("bad-hash") ? "bad-hash" : (checks[0] ?? "bad-signature");
    if (link !== "ok" && link !== "link") problems.push({ kind: link, collectorId: event.collector_id ?? "", seq: event.seq ?? -1, event });
  }
  return problems;
}

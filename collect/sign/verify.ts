import { verify as edVerify, type KeyObject } from "node:crypto";
import { signingPayload, type AuditEvent } from "../../schemas";
import { FIRST_SEQ, GENESIS_HASH, isChained, payloadHash, type ChainTip } from "./chain";

/**
 * Verifies one collector stream's events in delivery order, without a store:
 * a pure function of the events and the keys (ingest, `prodtrail verify` and
 * archive checks all use it). It flags, never drops: every event gets a
 * result, some only later.
 *
 * Heads and links. A head carries `sig`; an unsigned link carries only
 * seq/prev_hash/hash. A valid head is trusted; a trusted event at seq s
 * vouches for the held link at s-1 whose hash equals its prev_hash, and so
 * on down: one head settles the run of links before it. So a link's result
 * comes when the head after it arrives (or never: `pending()`).
 *
 * - ok: trusted (own signature, or covered by a head: `head` names it), seq is the next one, prev_hash links.
 * - unsigned: no seq/prev_hash/hash.
 * - bad-signature: the bytes changed (a head's signature fails or a foreign
 *   key signed it; a link's bytes do not match its hash, or not the hash the
 *   event after it committed to).
 * - bad-hash: a head whose signature verifies but whose `hash` field alone was altered.
 * - gap: trusted, but seqs `expected`..`got-1` never arrived (yet).
 * - fork: trusted, but its prev_hash is not the hash we hold for seq-1, or
 *   another event with the same seq and a different hash exists.
 * - duplicate: same seq, same hash as one already seen: a redelivery, fine.
 * - late: a seq below the tip that was missing (it fills an earlier gap).
 * - uncovered: more than `maxRun` links in a row without a head (a collector
 *   breaking the bound); given up on, so one stream cannot hold the verifier.
 * - pending (only from `pending()`): a link no head has covered yet.
 *
 * An event failing its own check does not advance the chain: the next good
 * event then reports the hole as a gap too. Recent (seq → hash) pairs of
 * trusted events are kept for the last `window` seqs (default 10,000) to
 * recognise duplicates and late events.
 */
export type ChainStatus =
  | { kind: "ok" | "unsigned" | "bad-signature" | "bad-hash" | "duplicate" | "late" | "uncovered" | "pending" }
  | { kind: "gap"; expected: number; got: number }
  | { kind: "fork"; seq: number; expectedPrevHash?: string; conflictingHash?: string };

export interface ChainResult {
  event_id: string;
  seq: number | undefined;
  status: ChainStatus;
  event: AuditEvent;
  /** 0-based position of the event among those pushed into this verifier. */
  order: number;
  /** The seq of the head whose signature vouches for this event (its own seq for a head); only on trusted events. */
  head?: number;
}

/** A key and, optionally, which events it may vouch for (a revoked key: only events received before its revocation). */
export interface ChainKey {
  key: KeyObject;
  validFor?: (event: AuditEvent) => boolean;
}

export type ChainKeys = KeyObject | readonly ChainKey[];

export interface VerifierOptions {
  /** Trusted (seq → hash) pairs remembered for duplicates and late events. Default 10,000. */
  window?: number;
  /**
   * Links held without a head before they are given up as `uncovered`.
   * Default MAX_UNSIGNED_RUN (1,024): 16× the signer's default interval, so
   * a collector configured up to that still verifies, while a stream that
   * never signs cannot make the verifier hold it all.
   */
  maxRun?: number;
}

/** The longest run of unsigned links a verifier waits out (see VerifierOptions.maxRun). */
export const MAX_UNSIGNED_RUN = 1024;

interface Link {
  hash: string;
  prevHash: string;
}

interface Seen extends Link {
  /** The head that vouched for it. */
  head: number;
}

interface Held extends Link {
  event: AuditEvent;
  order: number;
}

const isKeyObject = (k: ChainKeys): k is KeyObject => !Array.isArray(k);

export class ChainVerifier {
  private tip: ChainTip;
  private readonly recent = new Map<number, Seen>();
  private readonly held = new Map<number, Held>();
  private readonly keys: readonly ChainKey[];
  private current: ChainKey;
  private pushed = 0;
  private readonly window: number;
  private readonly maxRun: number;

  constructor(keys: ChainKeys, from: ChainTip = { nextSeq: FIRST_SEQ, lastHash: GENESIS_HASH }, options: VerifierOptions = {}) {
    this.keys = isKeyObject(keys) ? [{ key: keys }] : keys;
    const first = this.keys[0];
    if (first === undefined) throw new Error("ChainVerifier needs at least one key");
    this.current = first;
    this.tip = { ...from };
    this.window = options.window ?? 10_000;
    this.maxRun = options.maxRun ?? MAX_UNSIGNED_RUN;
  }

  /** Where the next batch continues: the trusted tip (persist it per collector to verify across batches). */
  get state(): ChainTip {
    return { ...this.tip };
  }

  /** Links still waiting for a head, in seq order, as `pending` results. */
  pending(): ChainResult[] {
    return [...this.held.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, h]) => ({ event_id: h.event.event_id, seq: h.event.seq, status: { kind: "pending" }, event: h.event, order: h.order }));
  }

  /** Take one event; returns the results it settled (its own, and those of the links it covered), in seq order. */
  push(event: AuditEvent): ChainResult[] {
    const order = this.pushed++;
    const result = (status: ChainStatus): ChainResult => ({ event_id: event.event_id, seq: event.seq, status, event, order });
    if (!isChained(event)) return [result({ kind: "unsigned" })];
    const seq = event.seq ?? -1;
    const hash = event.hash ?? "";
    const prevHash = event.prev_hash ?? "";
    const payload = signingPayload(event);
    const computed = payloadHash(payload);
    if (event.sig !== undefined) {
      // Signature first: a failed signature is tampering even when `hash` was recomputed to match.
      if (!this.signatureHolds(event, payload, event.sig)) return [result({ kind: "bad-signature" })];
      if (computed !== hash) return [result({ kind: "bad-hash" })];
    } else if (computed !== hash) {
      return [result({ kind: "bad-signature" })];
    }

    const seen = this.recent.get(seq);
    if (seen !== undefined) return [seen.hash === hash ? result({ kind: "duplicate" }) : result({ kind: "fork", seq, conflictingHash: seen.hash })];
    const out: ChainResult[] = [];
    const waiting = this.held.get(seq);
    if (waiting !== undefined) {
      if (waiting.hash === hash) return [result({ kind: "duplicate" })];
      if (event.sig === undefined) return [result({ kind: "fork", seq, conflictingHash: waiting.hash })];
      // A valid head outranks the unsigned link that claimed its seq: that link is the impostor.
      this.held.delete(seq);
      out.push({ event_id: waiting.event.event_id, seq, status: { kind: "fork", seq, conflictingHash: hash }, event: waiting.event, order: waiting.order });
    }
    this.held.set(seq, { event, order, hash, prevHash });
    if (event.sig !== undefined) out.push(...this.settle(seq, hash, seq));
    else {
      const successor = this.recent.get(seq + 1);
      if (successor !== undefined) out.push(...this.settle(seq, successor.prevHash, successor.head));
      else out.push(...this.giveUpBeyondBound());
    }
    return out;
  }

  private signatureHolds(event: AuditEvent, payload: string, sigText: string): boolean {
    const data = Buffer.from(payload, "utf8");
    const sig = Buffer.from(sigText, "base64");
    const usable = (k: ChainKey): boolean => k.validFor === undefined || k.validFor(event);
    if (usable(this.current) && edVerify(null, data, this.current.key, sig)) return true;
    for (const k of this.keys) {
      if (k === this.current || !usable(k) || !edVerify(null, data, k.key, sig)) continue;
      // The stream switched keys where its signatures do (a rotation).
      this.current = k;
      return true;
    }
    return false;
  }

  /**
   * The held event at `top` is vouched for by `committed` (its own hash for a
   * valid head, else the prev_hash of the trusted event after it): walk down
   * the held links while each one's hash is what its successor committed to,
   * then classify the run bottom-up as trusted events.
   */
  private settle(top: number, committed: string, head: number): ChainResult[] {
    const out: ChainResult[] = [];
    const run: Held[] = [];
    let want = committed;
    for (let q = top; ; q--) {
      const h = this.held.get(q);
      if (h === undefined) break;
      this.held.delete(q);
      if (h.hash !== want) {
        // Rewritten with a matching hash, but not the event the chain committed to.
        out.push({ event_id: h.event.event_id, seq: q, status: { kind: "bad-signature" }, event: h.event, order: h.order });
        break;
      }
      run.unshift(h);
      want = h.prevHash;
    }
    for (const h of run) out.push(this.classify(h, head));
    return out;
  }

  private classify(h: Held, head: number): ChainResult {
    const seq = h.event.seq ?? -1;
    const result = (status: ChainStatus): ChainResult => ({ event_id: h.event.event_id, seq, status, event: h.event, order: h.order, head });
    if (seq < this.tip.nextSeq) {
      // Below the tip and unseen: either it fills a gap, or it is older than the window.
      const before = this.recent.get(seq - 1);
      const after = this.recent.get(seq + 1);
      if (before !== undefined && before.hash !== h.prevHash) return result({ kind: "fork", seq, expectedPrevHash: before.hash });
      if (after !== undefined && after.prevHash !== h.hash) return result({ kind: "fork", seq, expectedPrevHash: after.prevHash });
      this.remember(seq, h, head);
      return result({ kind: "late" });
    }
    const expected = this.tip.nextSeq;
    const expectedPrevHash = this.tip.lastHash;
    const linksToTip = seq === expected && h.prevHash === expectedPrevHash;
    this.remember(seq, h, head);
    this.tip = { nextSeq: seq + 1, lastHash: h.hash };
    if (seq > expected) return result({ kind: "gap", expected: Math.max(expected, this.highestHeldBelow(seq) + 1), got: seq });
    return linksToTip ? result({ kind: "ok" }) : result({ kind: "fork", seq, expectedPrevHash });
  }

  /** Links held below `seq` are present, only not vouched for (yet): a gap starts after them. */
  private highestHeldBelow(seq: number): number {
    let highest = -1;
    for (const q of this.held.keys()) if (q < seq && q > highest) highest = q;
    return highest;
  }

  private giveUpBeyondBound(): ChainResult[] {
    let above = 0;
    for (const q of this.held.keys()) if (q >= this.tip.nextSeq) above += 1;
    if (above <= this.maxRun) return [];
    const out: ChainResult[] = [];
    for (const [q, h] of [...this.held.entries()].sort(([a], [b]) => a - b)) {
      if (q < this.tip.nextSeq) continue;
      this.held.delete(q);
      out.push({ event_id: h.event.event_id, seq: q, status: { kind: "uncovered" }, event: h.event, order: h.order });
    }
    return out;
  }

  private remember(seq: number, link: Link, head: number): void {
    this.recent.set(seq, { hash: link.hash, prevHash: link.prevHash, head });
    if (this.recent.size > this.window) {
      const oldest = this.recent.keys().next();
      if (oldest.done !== true) this.recent.delete(oldest.value);
    }
  }
}

export interface ChainReport {
  /** One result per input event, in input order (links no head covered: `pending`). */
  results: ChainResult[];
  /** The trusted tip after the run. */
  tip: ChainTip;
  /** Trusted events vouched for by a later head rather than their own signature. */
  coveredByHead: number;
}

/**
 * Verify a run of one stream's events from `from` (default: the stream's
 * start), with one key or several (rotation). Pure: no store, no clock.
 */
export function verifyChain(events: readonly AuditEvent[], keys: ChainKeys, from?: ChainTip, options?: VerifierOptions): ChainReport {
  const verifier = new ChainVerifier(keys, from, options);
  const results: Array<ChainResult | undefined> = new Array<ChainResult | undefined>(events.length);
  const place = (r: ChainResult): void => {
    results[r.order] = r;
  };
  for (const e of events) verifier.push(e).forEach(place);
  verifier.pending().forEach(place);
  const settled = results.filter((r): r is ChainResult => r !== undefined);
  const coveredByHead = settled.filter((r) => r.head !== undefined && r.head !== r.seq).length;
  return { results: settled, tip: verifier.state, coveredByHead };
}

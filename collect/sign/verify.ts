import type { KeyObject } from "node:crypto";
import type { AuditEvent } from "../../schemas";
import { checkLink, FIRST_SEQ, GENESIS_HASH, type ChainTip } from "./chain";

/**
 * Verifies one collector stream's events in delivery order. Ingest uses it
 * to flag, never to drop: every event gets a result.
 *
 * - ok: signature and hash verify, seq is the next one, prev_hash links.
 * - unsigned: no seq/prev_hash/hash/sig.
 * - bad-signature: the signed bytes were changed (or another key signed).
 * - bad-hash: signature fine, the `hash` field alone was altered.
 * - gap: valid, but seqs `expected`..`got-1` never arrived (yet).
 * - fork: valid signature, but its prev_hash is not the hash we hold for
 *   seq-1, or another event with the same seq and a different hash exists.
 * - duplicate: same seq, same hash as one already seen: a redelivery, fine.
 * - late: a seq below the tip that was missing (it fills an earlier gap).
 *
 * An event failing its own check does not advance the chain: the next good
 * event then reports the hole as a gap too (the chain has no trusted event
 * at that seq). Recent (seq → hash) pairs are kept for the last
 * `window` seqs (default 10,000) to recognise duplicates and late events.
 */
export type ChainStatus =
  | { kind: "ok" | "unsigned" | "bad-signature" | "bad-hash" | "duplicate" | "late" }
  | { kind: "gap"; expected: number; got: number }
  | { kind: "fork"; seq: number; expectedPrevHash?: string; conflictingHash?: string };

export interface ChainResult {
  event_id: string;
  seq: number | undefined;
  status: ChainStatus;
}

interface Seen {
  hash: string;
  prevHash: string;
}

export class ChainVerifier {
  private tip: ChainTip;
  private readonly recent = new Map<number, Seen>();

  constructor(
    private readonly publicKey: KeyObject,
    from: ChainTip = { nextSeq: FIRST_SEQ, lastHash: GENESIS_HASH },
    private readonly window = 10_000,
  ) {
    this.tip = { ...from };
  }

  /** Where the next batch continues (persist it per collector to verify across batches). */
  get state(): ChainTip {
    return { ...this.tip };
  }

  verify(event: AuditEvent): ChainResult {
    const result = (status: ChainStatus): ChainResult => ({ event_id: event.event_id, seq: event.seq, status });
    const link = checkLink(event, this.publicKey);
    if (link !== "ok") return result({ kind: link });
    // checkLink "ok" guarantees all four fields.
    const seq = event.seq ?? -1;
    const hash = event.hash ?? "";
    const prevHash = event.prev_hash ?? "";

    const seen = this.recent.get(seq);
    if (seen !== undefined) {
      return seen.hash === hash ? result({ kind: "duplicate" }) : result({ kind: "fork", seq, conflictingHash: seen.hash });
    }
    if (seq < this.tip.nextSeq) {
      // Below the tip and unseen: either it fills a gap, or it is older than the window.
      const before = this.recent.get(seq - 1);
      const after = this.recent.get(seq + 1);
      if (before !== undefined && before.hash !== prevHash) return result({ kind: "fork", seq, expectedPrevHash: before.hash });
      if (after !== undefined && after.prevHash !== hash) return result({ kind: "fork", seq, expectedPrevHash: after.prevHash });
      this.remember(seq, hash, prevHash);
      return result({ kind: "late" });
    }
    const expected = this.tip.nextSeq;
    const expectedPrevHash = this.tip.lastHash;
    const linksToTip = seq === expected && prevHash === expectedPrevHash;
    this.remember(seq, hash, prevHash);
    this.tip = { nextSeq: seq + 1, lastHash: hash };
    if (seq > expected) return result({ kind: "gap", expected, got: seq });
    return linksToTip ? result({ kind: "ok" }) : result({ kind: "fork", seq, expectedPrevHash });
  }

  private remember(seq: number, hash: string, prevHash: string): void {
    this.recent.set(seq, { hash, prevHash });
    if (this.recent.size > this.window) {
      const oldest = this.recent.keys().next();
      if (oldest.done !== true) this.recent.delete(oldest.value);
    }
  }
}

/** Verify a run of one stream's events from `from` (default: the stream's start). */
export function verifyChain(
  events: readonly AuditEvent[],
  publicKey: KeyObject,
  from?: ChainTip,
): { results: ChainResult[]; tip: ChainTip } {
  const verifier = new ChainVerifier(publicKey, from);
  const results = events.map((e) => verifier.verify(e));
  return { results, tip: verifier.state };
}

import type { KeyObject } from "node:crypto";
import { ChainVerifier, checkLink, type ChainResult, type ChainTip } from "../../collect/sign";
import type { AuditEvent } from "../../schemas";
import { keyObject, listCollectorKeys, type CollectorKey } from "../../store/collector-keys";
import type { Store } from "../../store/open";

/**
 * The keys a collector's stream is verified with. A collector whose key was
 * replaced (an admin revoked the old one, the collector registered a new one)
 * has events signed by both: the old key stays valid for events received
 * before its revocation, never for later ones — a revoked key is one nobody
 * should trust any more, so a new event it signed is a bad signature.
 */
export interface VerifyKey {
  key: KeyObject;
  record: CollectorKey;
  validFor(event: AuditEvent): boolean;
}

/** Active key first, then revoked ones newest first; empty when none was ever registered. */
export async function streamKeys(store: Store, collectorId: string): Promise<VerifyKey[]> {
  const records = await listCollectorKeys(store, collectorId);
  const ordered = [...records.filter((k) => k.revokedAt === null).reverse(), ...records.filter((k) => k.revokedAt !== null).reverse()];
  return ordered.map((record) => {
    const revokedAt = record.revokedAt === null ? Infinity : Date.parse(record.revokedAt);
    return {
      key: keyObject(record),
      record,
      validFor: (event: AuditEvent) => event.received_at === undefined || Date.parse(event.received_at) <= revokedAt,
    };
  });
}

/**
 * A ChainVerifier that follows key changes: when an event fails with the
 * current key but verifies with another key valid for it, verification
 * continues from the same tip with that key (ChainVerifier leaves its state
 * untouched on a bad signature, so nothing is lost but its window of recent
 * seqs, which only sharpens duplicate/fork labels right at the switch).
 */
export class StreamVerifier {
  private verifier: ChainVerifier;
  private current: VerifyKey;

  constructor(
    private readonly keys: readonly VerifyKey[],
    tip: ChainTip,
  ) {
    const first = keys[0];
    if (first === undefined) throw new Error("StreamVerifier needs at least one key");
    this.current = first;
    this.verifier = new ChainVerifier(first.key, tip);
  }

  get state(): ChainTip {
    return this.verifier.state;
  }

  verify(event: AuditEvent): ChainResult {
    const result = this.current.validFor(event) ? this.verifier.verify(event) : { event_id: event.event_id, seq: event.seq, status: { kind: "bad-signature" as const } };
    if (result.status.kind !== "bad-signature") return result;
    const other = this.keys.find((k) => k !== this.current && k.validFor(event) && checkLink(event, k.key) !== "bad-signature");
    if (other === undefined) return result;
    this.current = other;
    this.verifier = new ChainVerifier(other.key, this.verifier.state);
    return this.verifier.verify(event);
  }
}

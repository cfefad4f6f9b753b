import type { KeyObject } from "node:crypto";
import { ChainVerifier, type ChainTip, type VerifierOptions } from "../../collect/sign";
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
 * A ChainVerifier over a collector's keys: when a signature fails with the
 * current key but verifies with another key valid for the event, the
 * stream switches to it and continues from the same tip (collect/sign's
 * verifier does the switching; VerifyKey is a ChainKey).
 */
export class StreamVerifier extends ChainVerifier {
  constructor(keys: readonly VerifyKey[], tip: ChainTip, options?: VerifierOptions) {
    if (keys.length === 0) throw new Error("StreamVerifier needs at least one key");
    super(keys, tip, options);
  }
}

import { createHash, sign as edSign, verify as edVerify, type KeyObject } from "node:crypto";
import { signingPayload, type AuditEvent } from "../../schemas";

/**
 * One link of a collector's hash chain. The signed bytes are
 * `signingPayload(event)`: the canonical JSON of the event with `seq` and
 * `prev_hash` set, everything but `hash`, `sig` and `received_at`. `hash` is
 * the SHA-256 of those bytes (hex); `sig` the Ed25519 signature over the same
 * bytes (base64, 88 characters). Ed25519 is deterministic (RFC 8032), so the
 * same event at the same position always yields the same hash and signature:
 * a redelivery is recognisable byte for byte.
 *
 * Sign the *parsed* event (zod output, defaults applied): ingest verifies
 * what `parseEvent` gives it, and parsing a parsed event is the identity.
 */
export const GENESIS_HASH = "0".repeat(64);

/** The first sequence number of every stream. `seq` 0 carries prev_hash GENESIS_HASH. */
export const FIRST_SEQ = 0;

export interface ChainTip {
  /** The seq the next event gets. */
  nextSeq: number;
  /** The hash of the event before it (GENESIS_HASH before the first). */
  lastHash: string;
}

export function payloadHash(payload: string): string {
  return createHash("sha256").update(payload, "utf8").digest("hex");
}

export function signLink(event: AuditEvent, seq: number, prevHash: string, privateKey: KeyObject): AuditEvent {
  const linked: AuditEvent = { ...event, seq, prev_hash: prevHash };
  delete linked.hash;
  delete linked.sig;
  const payload = signingPayload(linked);
  return {
    ...linked,
    hash: payloadHash(payload),
    sig: edSign(null, Buffer.from(payload, "utf8"), privateKey).toString("base64"),
  };
}

export type LinkCheck = "ok" | "unsigned" | "bad-hash" | "bad-signature";

/** Hash and signature of one event alone (no chain context). */
export function checkLink(event: AuditEvent, publicKey: KeyObject): LinkCheck {
  if (event.seq === undefined || event.prev_hash === undefined || event.hash === undefined || event.sig === undefined) {
    return "unsigned";
  }
  const payload = signingPayload(event);
  const sig = Buffer.from(event.sig, "base64");
  // A signature that fails verification means the signed bytes changed (or a
  // foreign key signed them): that is tampering even when `hash` was
  // recomputed to match. A correct signature over a wrong `hash` field means
  // only the unsigned hash field was altered.
  if (!edVerify(null, Buffer.from(payload, "utf8"), publicKey, sig)) return "bad-signature";
  if (payloadHash(payload) !== event.hash) return "bad-hash";
  return "ok";
}

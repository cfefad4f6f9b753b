import { createHash, sign as edSign, verify as edVerify, type KeyObject } from "node:crypto";
import { canonicalJson, signingPayload, type AuditEvent } from "../../schemas";

/**
 * One link of a collector's hash chain. The hashed bytes are
 * `signingPayload(event)`: the canonical JSON of the event with `seq` and
 * `prev_hash` set, everything but `hash`, `sig` and `received_at`. `hash` is
 * the SHA-256 of those bytes (hex). A **head** also carries `sig`, the
 * Ed25519 signature over the same bytes (base64, 88 characters): its hash
 * covers its `prev_hash`, which is the hash of the event before, and so on
 * back, so one signed head vouches for every unsigned link before it up to
 * the previous head (README.md, "Head signing"). An event signed on its own
 * (per-event signing, the format before head signing) is a head at
 * interval 1. Ed25519 is deterministic (RFC 8032): the same event at the
 * same position always yields the same hash and signature, so a redelivery
 * is recognisable byte for byte. `sig` is outside the hashed bytes, so a
 * link can be sealed as a head after the fact without changing its hash.
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

/** The fields a signer stamps on every event of its stream. */
export interface SourceStamp {
  collector_id: string;
  collector_version?: string;
}

export function payloadHash(payload: string): string {
  return createHash("sha256").update(payload, "utf8").digest("hex");
}

/**
 * `event` (with `stamp`'s fields) at position (`seq`, `prevHash`) with its
 * `hash`; `sig` only when `head`. One copy of the event and one payload
 * for both (the CPU profile of bench/collect/pipeline.ts showed the extra
 * copies among the per-event costs).
 */
export function linkEvent(event: AuditEvent, seq: number, prevHash: string, head: KeyObject | null, stamp?: SourceStamp): AuditEvent {
  const linked: AuditEvent = { ...event, ...stamp, seq, prev_hash: prevHash };
  delete linked.hash;
  delete linked.sig;
  // Without hash, sig and received_at the event is its own signing payload (signingPayload would copy it again).
  const payload = linked.received_at === undefined ? canonicalJson(linked) : signingPayload(linked);
  linked.hash = payloadHash(payload);
  if (head !== null) linked.sig = edSign(null, Buffer.from(payload, "utf8"), head).toString("base64");
  return linked;
}

/** Per-event signing: every event its own head. Kept for callers that build chains by hand (tests, tools). */
export function signLink(event: AuditEvent, seq: number, prevHash: string, privateKey: KeyObject): AuditEvent {
  return linkEvent(event, seq, prevHash, privateKey);
}

/** Make a link a head: add `sig` over its (unchanged) hashed bytes. */
export function sealHead(link: AuditEvent, privateKey: KeyObject): AuditEvent {
  const payload = signingPayload(link);
  return { ...link, sig: edSign(null, Buffer.from(payload, "utf8"), privateKey).toString("base64") };
}

/**
 * - ok: a head whose signature and hash verify;
 * - link: an unsigned link whose hash matches its bytes (trusted once a head covers it);
 * - unsigned: no seq/prev_hash/hash (not part of any chain);
 * - bad-signature: the bytes changed after hashing/signing (or a foreign key signed them);
 * - bad-hash: a head whose signature verifies but whose `hash` field alone was altered.
 */
export type LinkCheck = "ok" | "link" | "unsigned" | "bad-hash" | "bad-signature";

export function isChained(event: AuditEvent): boolean {
  return event.seq !== undefined && event.prev_hash !== undefined && event.hash !== undefined;
}

/** Hash and signature of one event alone (no chain context). */
export function checkLink(event: AuditEvent, publicKey: KeyObject): LinkCheck {
  if (!isChained(event)) return "unsigned";
  const payload = signingPayload(event);
  if (event.sig === undefined) {
    // No signature to tell "content changed" from "hash field changed": either way the
    // event is not the one its chain committed to, which is what a bad signature means.
    return payloadHash(payload) === event.hash ? "link" : "bad-signature";
  }
  const sig = Buffer.from(event.sig, "base64");
  // A signature that fails verification means the signed bytes changed (or a
  // foreign key signed them): that is tampering even when `hash` was
  // recomputed to match. A correct signature over a wrong `hash` field means
  // only the unsigned hash field was altered.
  if (!edVerify(null, Buffer.from(payload, "utf8"), publicKey, sig)) return "bad-signature";
  if (payloadHash(payload) !== event.hash) return "bad-hash";
  return "ok";
}

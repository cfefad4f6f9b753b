import { createHash } from "node:crypto";
import { canonicalJson, type AuditEvent } from "../schemas";

/**
 * What "the same event" means to the store: sha256 of the event's canonical
 * JSON (schemas/canonical.ts) without received_at, which ingest sets and so
 * differs on every resend. Two copies under one event_id with the same hash
 * are one event delivered twice; any other difference is a conflict.
 *
 * Hashed as the store gives the event back, so the hash of an offered event
 * equals the hash of the stored one re-read from the table (events stored
 * before 0011 are indexed without a hash): attribution_confidence is a
 * Float32 column read back rounded to 6 decimals (store/event-rows.ts), so
 * 0.1234567 returns as 0.123457 — the two are one stored value anyway.
 */
export function contentHash(event: AuditEvent): string {
  const asStored = { ...event, received_at: undefined, attribution_confidence: Math.round(Math.fround(event.attribution_confidence) * 1e6) / 1e6 };
  return createHash("sha256").update(canonicalJson(asStored)).digest("hex");
}

/** Same batch, same token: built from the per-event hashes already computed, in batch order. */
export function deduplicationToken(prefix: string, hashes: readonly string[]): string {
  const hash = createHash("sha256");
  for (const h of hashes) hash.update(h).update("\n");
  return `${prefix}-${hash.digest("hex")}`;
}

import { createHash, hash } from "node:crypto";
import type { AuditEvent } from "../schemas";
import { storedJson } from "./stored-json";

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
 * The bytes hashed are storedJson's (store/stored-json.ts), the same bytes
 * the write path sends as the row.
 */
export function contentHash(event: AuditEvent): string {
  return hashOfStoredJson(storedJson(event));
}

/** The content hash of an event from its storedJson, for callers that keep the string for the row. */
export function hashOfStoredJson(json: string): string {
  // One-shot crypto.hash: no Hash object per event (10k per batch).
  return hash("sha256", json, "hex");
}

/** Same batch, same token: built from the per-event hashes already computed, in batch order. */
export function deduplicationToken(prefix: string, hashes: readonly string[]): string {
  const digest = createHash("sha256");
  for (const h of hashes) digest.update(h).update("\n");
  return `${prefix}-${digest.digest("hex")}`;
}

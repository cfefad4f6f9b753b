import { createHash } from "node:crypto";

/**
 * Deterministic event ids: the same source record always gets the same id,
 * so a retried or re-read event is recognised downstream as the same event.
 * The parts identify the record at its source (collector, stream, offset or
 * natural key). 128 bits of SHA-256 keep collisions out of reach (2^64
 * events before a 50% chance) while staying short in every row.
 */
export function deriveEventId(...parts: ReadonlyArray<string | number>): string {
  const hash = createHash("sha256");
  for (const part of parts) {
    hash.update(String(part));
    hash.update("\u0000");
  }
  return hash.digest("hex").slice(0, 32);
}

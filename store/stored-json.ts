import type { AuditEvent } from "../schemas";

/**
 * The one serialisation of an event on the write path: its canonical JSON
 * (the bytes schemas/canonical.ts defines: keys sorted by UTF-16 code unit
 * at every depth, no whitespace, undefined members left out) in the form
 * the store keeps it, i.e. without received_at (ingest's clock, different on
 * every resend) and with attribution_confidence as the Float32 column gives
 * it back (rounded to 6 decimals).
 *
 * The same string is hashed for the content hash and the deduplication
 * token (store/content-hash.ts) and, being a JSON object whose keys are
 * the events table's column names, sent to the engine as the row itself
 * (store/event-lines.ts). Issue #13 measured the old path serialising every
 * event twice (canonicalJson for the hash, JSON.stringify of a 60-column row
 * for the insert), canonicalJson alone 13% of the writer's busy time.
 *
 * Written out here rather than through canonicalJson because it sits in the
 * hot loop: no path strings built per member (canonicalJson formats `$.key`
 * for every value in case it must name one in an error), one pass per
 * object. stored-json.test.ts holds the two byte-equal on generated values.
 */
export function storedJson(event: AuditEvent): string {
  // The top level written here rather than on a spread copy: a 30-key object
  // copied per event cost 1.8 µs and made the writer after it 2x slower
  // (6.0 µs/event against 2.7; prep bench in the commit that made this).
  const keys = Object.keys(event).sort();
  let out = "{";
  for (const key of keys) {
    if (key === "received_at") continue;
    const member: unknown = key === "attribution_confidence" ? storedConfidence(event.attribution_confidence) : Reflect.get(event, key);
    if (member === undefined) continue;
    out += `${out.length > 1 ? "," : ""}${quotedKey(key)}${writeCanonical(member)}`;
  }
  return `${out}}`;
}

/** attribution_confidence is a Float32 column, read back rounded to 6 decimals (store/event-rows.ts). */
export function storedConfidence(value: number): number {
  return Math.round(Math.fround(value) * 1e6) / 1e6;
}

/** Canonical JSON of plain JSON data, byte-equal to schemas' canonicalJson; throws on what it refuses. */
export function writeCanonical(value: unknown): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (!Number.isFinite(value)) throw new TypeError(`canonical JSON: ${value} is not a finite number`);
      return JSON.stringify(value);
    case "object":
      return Array.isArray(value) ? writeArray(value) : writeObject(value);
    default:
      throw new TypeError(`canonical JSON: unsupported type ${typeof value}`);
  }
}

function writeArray(items: readonly unknown[]): string {
  let out = "[";
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += ",";
    out += writeCanonical(items[i]);
  }
  return `${out}]`;
}

function writeObject(object: object): string {
  // Default sort compares UTF-16 code units, the order canonicalJson uses.
  const keys = Object.keys(object).sort();
  let out = "{";
  for (const key of keys) {
    const member: unknown = Reflect.get(object, key);
    if (member === undefined) continue;
    out += `${out.length > 1 ? "," : ""}${quotedKey(key)}${writeCanonical(member)}`;
  }
  return `${out}}`;
}

/** `"key":` — the few dozen column names and label keys repeat on every event, so each is quoted once. */
const quotedKeys = new Map<string, string>();
const QUOTED_KEYS_MAX = 10_000;

function quotedKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = `${JSON.stringify(key)}:`;
    // Label keys come from producers: bounded, so a stream of distinct keys cannot grow the map forever.
    if (quotedKeys.size < QUOTED_KEYS_MAX) quotedKeys.set(key, quoted);
  }
  return quoted;
}

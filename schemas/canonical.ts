/**
 * Canonical JSON: the one byte sequence of an event that hashing and signing
 * use. Object keys sorted by UTF-16 code unit order at every depth, no
 * whitespace, `undefined` members omitted, arrays in their order. Two
 * producers that build the same event in any key order produce the same bytes.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json | undefined };

export function canonicalJson(value: unknown): string {
  try {
    return write(value);
  } catch (error) {
    if (error instanceof CanonicalFailure) throw new TypeError(`canonicalJson: $${error.path.reverse().join("")} ${error.why}`);
    throw error;
  }
}

/**
 * Thrown inside the writer with the path collected on the way out, so the
 * hot path builds no path strings (the collector hashes every event twice
 * and the store once: issue #13 measured canonical JSON at 13% of the
 * writer's busy time when each member formatted its `$.key` up front).
 */
class CanonicalFailure extends Error {
  readonly path: string[] = [];
  constructor(readonly why: string) {
    super(why);
  }
}

function write(value: unknown): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (!Number.isFinite(value)) throw new CanonicalFailure("is not a finite number");
      return JSON.stringify(value);
    case "object":
      return Array.isArray(value) ? writeArray(value) : writeObject(value);
    default:
      throw new CanonicalFailure(`has unsupported type ${typeof value}`);
  }
}

function writeArray(items: readonly unknown[]): string {
  let out = "[";
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += ",";
    try {
      out += write(items[i]);
    } catch (error) {
      if (error instanceof CanonicalFailure) error.path.push(`[${i}]`);
      throw error;
    }
  }
  return `${out}]`;
}

function writeObject(object: object): string {
  // Array.prototype.sort's default order compares UTF-16 code units: the order defined above.
  const keys = Object.keys(object).sort();
  let out = "{";
  for (const key of keys) {
    const member: unknown = Reflect.get(object, key);
    if (member === undefined) continue;
    try {
      out += `${out.length > 1 ? "," : ""}${quotedKey(key)}${write(member)}`;
    } catch (error) {
      if (error instanceof CanonicalFailure) error.path.push(`.${key}`);
      throw error;
    }
  }
  return `${out}}`;
}

/** `"key":` — event field names and label keys repeat on every event, so each is quoted once. */
const quotedKeys = new Map<string, string>();
/** Label keys come from producers: bounded, so a stream of distinct keys cannot grow the map forever. */
const QUOTED_KEYS_MAX = 10_000;

/** A member's key as canonical JSON writes it, with the colon. */
export function quotedKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = `${JSON.stringify(key)}:`;
    if (quotedKeys.size < QUOTED_KEYS_MAX) quotedKeys.set(key, quoted);
  }
  return quoted;
}

/** Fields outside what a collector signs: the signature itself, the hash over the rest, and ingest's clock. */
const UNSIGNED_FIELDS = new Set(["hash", "sig", "received_at"]);

/** The canonical bytes a collector hashes and signs (everything but hash, sig, received_at). */
export function signingPayload(event: Readonly<Record<string, unknown>>): string {
  const signed: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(event)) if (!UNSIGNED_FIELDS.has(k)) signed[k] = v;
  return canonicalJson(signed);
}

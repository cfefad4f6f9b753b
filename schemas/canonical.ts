/**
 * Canonical JSON: the one byte sequence of an event that hashing and signing
 * use. Object keys sorted by UTF-16 code unit order at every depth, no
 * whitespace, `undefined` members omitted, arrays in their order. Two
 * producers that build the same event in any key order produce the same bytes.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json | undefined };

export function canonicalJson(value: unknown): string {
  return write(value, "$");
}

function write(value: unknown, at: string): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${at} is not a finite number`);
      return JSON.stringify(value);
    case "object": {
      if (Array.isArray(value)) return `[${value.map((v, i) => write(v, `${at}[${i}]`)).join(",")}]`;
      const entries = Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${write(v, `${at}.${k}`)}`).join(",")}}`;
    }
    default:
      throw new TypeError(`canonicalJson: ${at} has unsupported type ${typeof value}`);
  }
}

/** Fields outside what a collector signs: the signature itself, the hash over the rest, and ingest's clock. */
const UNSIGNED_FIELDS = new Set(["hash", "sig", "received_at"]);

/** The canonical bytes a collector hashes and signs (everything but hash, sig, received_at). */
export function signingPayload(event: Readonly<Record<string, unknown>>): string {
  const signed: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(event)) if (!UNSIGNED_FIELDS.has(k)) signed[k] = v;
  return canonicalJson(signed);
}

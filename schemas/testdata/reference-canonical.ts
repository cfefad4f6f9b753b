/**
 * The oracle for schemas/canonical.ts: canonical JSON as it was first
 * written (a straight recursive map/sort/join, the definition every stored
 * content hash and collector signature was computed with). Tests only: the
 * fast writer must produce these bytes for every value, or every stored
 * hash and signature would stop matching.
 */
export function referenceCanonicalJson(value: unknown): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (!Number.isFinite(value)) throw new TypeError("not a finite number");
      return JSON.stringify(value);
    case "object": {
      if (Array.isArray(value)) return `[${value.map(referenceCanonicalJson).join(",")}]`;
      const entries = Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${referenceCanonicalJson(v)}`).join(",")}}`;
    }
    default:
      throw new TypeError(`unsupported type ${typeof value}`);
  }
}

import { z } from "zod";
import { LIMITS } from "./limits";

/**
 * A UTF-16 surrogate without its pair (JSON `\ud800`): JSON.parse accepts it,
 * but it is no character, and the store refuses the row (engine error 25),
 * which once made the gateway answer 503 "resend" forever (issue #9).
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A bounded string: every string field of the envelope has a limit, and is well-formed Unicode. */
export const str = (max: number) =>
  z
    .string()
    .max(max, { message: `must be at most ${max} characters` })
    .refine((s) => !LONE_SURROGATE.test(s), { message: "must not contain a lone UTF-16 surrogate (an unpaired \\ud800-\\udfff escape)" });
export const nonEmpty = (max: number) => str(max).min(1, { message: "must not be empty" });

export const eventIdSchema = nonEmpty(LIMITS.id).regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, {
  message: "must start with a letter or digit and use only letters, digits, '.', '_', ':' and '-'",
});

/** Lower-case hex digest: git blob SHA-1 (40) or SHA-256 (64). */
export const digestSchema = z
  .string()
  .regex(/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/, { message: "must be a lower-case hex SHA-1 (40) or SHA-256 (64) digest" });

/** A git commit id: full 40- or 64-character hex object name. */
export const commitSchema = digestSchema;

const MIN_TIME = Date.parse("2000-01-01T00:00:00.000Z");
const MAX_TIME = Date.parse("2100-01-01T00:00:00.000Z");

/**
 * Source time. Accepts RFC 3339 with any offset and normalises to UTC with
 * millisecond precision (`2026-11-22T08:01:02.345Z`), the form the store keeps
 * and canonical JSON signs.
 */
export const timestampSchema = z.iso
  .datetime({ offset: true, message: "must be an RFC 3339 timestamp, e.g. 2026-11-22T08:01:02.345Z" })
  .transform((value) => new Date(value).toISOString())
  .refine(
    (iso) => {
      const t = Date.parse(iso);
      return t >= MIN_TIME && t < MAX_TIME;
    },
    { message: "must be between 2000-01-01 and 2100-01-01" },
  );

export const labelsSchema = z
  .record(
    z.string().regex(/^[a-z0-9_.\-/]{1,64}$/, { message: "label keys use a-z, 0-9, '_', '.', '-', '/' (1-64)" }),
    str(LIMITS.labelValue),
  )
  .refine((labels) => Object.keys(labels).length <= LIMITS.labelKeys, {
    message: `at most ${LIMITS.labelKeys} labels`,
  });

/**
 * Label keys a plain object does not keep as data: `__proto__` from
 * JSON.parse is an own key, but zod's record (like any copy into an object)
 * leaves it out, so such a label vanished without a word. parseEvent
 * refuses them by name on the raw input, before the record is built.
 */
export const RESERVED_LABEL_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/** `labels.__proto__: label key __proto__ is reserved…` for each reserved key of a raw labels value. */
export function reservedLabelIssues(labels: unknown, field: string): Array<{ field: string; message: string }> {
  if (typeof labels !== "object" || labels === null) return [];
  return Object.keys(labels)
    .filter((key) => RESERVED_LABEL_KEYS.has(key))
    .map((key) => ({ field: `${field}.${key}`, message: `label key ${key} is reserved (__proto__, constructor and prototype cannot be stored); rename it` }));
}

export const ipSchema = z.union([z.ipv4(), z.ipv6()], { message: "must be an IPv4 or IPv6 address" });

export const fileEntrySchema = z.strictObject({
  path: nonEmpty(LIMITS.path),
  /** Empty when the commit deleted the path. */
  blob: z.union([digestSchema, z.literal("")]),
});

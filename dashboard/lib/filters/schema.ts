import { z } from "zod";

/**
 * The filters every page reads from its URL. One schema, so a link copied
 * from one page means the same thing on another. Lists are comma-separated
 * (`env=prod,staging`); an empty list means "all".
 */
export const RANGE_PRESETS = { "1h": 3_600_000, "24h": 86_400_000, "7d": 7 * 86_400_000, "30d": 30 * 86_400_000, "90d": 90 * 86_400_000 } as const;
export type RangePreset = keyof typeof RANGE_PRESETS;
export const DEFAULT_RANGE: RangePreset = "24h";
/** 400 days: the longest window a page asks the store for (a year of monthly trends plus slack). */
export const MAX_RANGE_MS = 400 * 86_400_000;

export const LIST_FILTERS = ["env", "service", "host", "actor", "team", "channel", "type"] as const;
export type ListFilter = (typeof LIST_FILTERS)[number];

/** Identifiers in the store are short and printable; anything else is a typo or an attack, and is named as such. */
const value = z
  .string()
  .min(1)
  .max(256, { message: "at most 256 characters" })
  .regex(/^[\p{L}\p{N}@._:/*+=-]+$/u, { message: "may hold letters, digits and @ . _ : / * + = - only" });

const list = z
  .string()
  .max(4096)
  .transform((s) => s.split(",").map((v) => v.trim()).filter((v) => v !== ""))
  .pipe(z.array(value).max(50, { message: "at most 50 values" }));

const isoTime = z
  .string()
  .refine((s) => /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(s) && Number.isFinite(Date.parse(s)), {
    message: "is not a date/time (use ISO 8601, e.g. 2026-11-21T14:00Z)",
  });

export const FIELD_SCHEMAS = {
  range: z.enum(["1h", "24h", "7d", "30d", "90d"], { message: "must be one of 1h, 24h, 7d, 30d, 90d" }),
  from: isoTime,
  to: isoTime,
  q: z.string().max(200, { message: "at most 200 characters" }),
  env: list,
  service: list,
  host: list,
  actor: list,
  team: list,
  channel: list,
  type: list,
} as const;

export interface Filters {
  /** The preset, when the window is one; absolute windows have none. */
  range: RangePreset | null;
  /** Resolved window, ISO 8601 UTC, [from, to). */
  from: string;
  to: string;
  q: string;
  env: string[];
  service: string[];
  host: string[];
  actor: string[];
  team: string[];
  channel: string[];
  type: string[];
}

export interface FilterIssue {
  field: string;
  value: string;
  message: string;
}

export interface ParsedFilters {
  filters: Filters;
  /** Values that were refused and ignored; pages show them. */
  issues: FilterIssue[];
}

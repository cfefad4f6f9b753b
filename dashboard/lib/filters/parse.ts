import type { z } from "zod";
import { DEFAULT_RANGE, FIELD_SCHEMAS, MAX_RANGE_MS, RANGE_PRESETS, type FilterIssue, type Filters, type ListFilter, type ParsedFilters, type RangePreset } from "./schema";

export type RawSearchParams = Record<string, string | string[] | undefined>;

/** The last value of a repeated key wins, as in URLSearchParams.set. */
export function single(raw: RawSearchParams, key: string): string | undefined {
  const v = raw[key];
  return Array.isArray(v) ? v[v.length - 1] : v;
}

/**
 * URL search params → Filters. Never throws: a bad value is dropped and
 * reported as an issue (the page says which and why), the rest still apply,
 * so one typo in a shared link does not blank the page.
 */
export function parseFilters(raw: RawSearchParams, now: Date = new Date()): ParsedFilters {
  const issues: FilterIssue[] = [];
  const pick = <T,>(key: keyof typeof FIELD_SCHEMAS, schema: z.ZodType<T, string>): T | undefined => {
    const input = single(raw, key);
    if (input === undefined || input === "") return undefined;
    const parsed = schema.safeParse(input);
    if (parsed.success) return parsed.data;
    issues.push({ field: key, value: input.slice(0, 200), message: parsed.error.issues[0]?.message ?? "invalid" });
    return undefined;
  };

  const list = (key: ListFilter): string[] => pick(key, FIELD_SCHEMAS[key]) ?? [];
  const lists: Record<ListFilter, string[]> = {
    env: list("env"),
    service: list("service"),
    host: list("host"),
    actor: list("actor"),
    team: list("team"),
    channel: list("channel"),
    type: list("type"),
  };
  const q = pick("q", FIELD_SCHEMAS.q) ?? "";
  const preset = pick("range", FIELD_SCHEMAS.range);
  const fromRaw = pick("from", FIELD_SCHEMAS.from);
  const toRaw = pick("to", FIELD_SCHEMAS.to);

  let range: RangePreset | null = preset ?? DEFAULT_RANGE;
  let to = now.getTime();
  let from = to - RANGE_PRESETS[range];
  if (fromRaw !== undefined || toRaw !== undefined) {
    const f = fromRaw !== undefined ? Date.parse(fromRaw) : undefined;
    const t = toRaw !== undefined ? Date.parse(toRaw) : now.getTime();
    const start = f ?? t - RANGE_PRESETS[preset ?? DEFAULT_RANGE];
    if (start >= t) {
      issues.push({ field: "from", value: fromRaw ?? "", message: "must be before `to`; showing the default window" });
    } else if (t - start > MAX_RANGE_MS) {
      issues.push({ field: "from", value: fromRaw ?? "", message: "window longer than 400 days; showing the default window" });
    } else {
      range = null;
      from = start;
      to = t;
    }
  }
  const filters: Filters = { range, from: new Date(from).toISOString(), to: new Date(to).toISOString(), q, ...lists };
  return { filters, issues };
}

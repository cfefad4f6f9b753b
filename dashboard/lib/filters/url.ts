import { LIST_FILTERS, type Filters } from "./schema";

/**
 * Filters → URL query, the inverse of parseFilters: a preset window stays a
 * preset (the link moves with time), an absolute one keeps its bounds.
 */
export function filtersToParams(filters: Filters, extra: Record<string, string | undefined> = {}): URLSearchParams {
  const p = new URLSearchParams();
  if (filters.range !== null) p.set("range", filters.range);
  else {
    p.set("from", filters.from);
    p.set("to", filters.to);
  }
  for (const key of LIST_FILTERS) if (filters[key].length > 0) p.set(key, filters[key].join(","));
  if (filters.q !== "") p.set("q", filters.q);
  for (const [k, v] of Object.entries(extra)) if (v !== undefined && v !== "") p.set(k, v);
  return p;
}

export function hrefWith(path: string, filters: Filters, extra: Record<string, string | undefined> = {}): string {
  const qs = filtersToParams(filters, extra).toString();
  return qs === "" ? path : `${path}?${qs}`;
}

/** The filter as the audit log records it (recordAudit params). */
export function filtersForAudit(filters: Filters): Record<string, string> {
  return Object.fromEntries(filtersToParams(filters));
}

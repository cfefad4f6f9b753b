import { z } from "zod";
import { chTimeToIso } from "../store/event-rows";
import type { Store } from "../store/open";
import { defineQuery } from "../store/query";

/**
 * Unmanaged changes (no drift mapping covers the path) grouped by path, never
 * row by row: one demo day is ~21,000 px of a page listed row by row, and a
 * fleet's logrotate or package churn is thousands of changes of the same few
 * paths. Per path: how many hosts, a few of them, how many changes, when last
 * seen; newest first, paged.
 */
export const unmanagedFiltersSchema = z.object({
  env: z.string().default(""),
  /** Substring of the path. */
  path: z.string().default(""),
  hosts: z.array(z.string()).default([]),
  limit: z.number().int().min(1).max(1000).default(50),
  offset: z.number().int().min(0).default(0),
});
export type UnmanagedFilters = z.input<typeof unmanagedFiltersSchema>;

const groupRow = z.object({
  path: z.string(),
  hosts: z.coerce.number(),
  sample_hosts: z.array(z.string()),
  changes: z.coerce.number(),
  last_seen: z.string().transform(chTimeToIso),
  last_change_event_id: z.string(),
  total_paths: z.coerce.number(),
});
export type UnmanagedGroup = Omit<z.output<typeof groupRow>, "total_paths">;

const groupsQuery = defineQuery({
  name: "drift.unmanaged_by_path",
  params: unmanagedFiltersSchema,
  row: groupRow,
  sql: (t) => `
    SELECT path, uniqExact(host) AS hosts, arraySlice(arraySort(groupUniqArray(host)), 1, 5) AS sample_hosts, count() AS changes,
           toString(max(occurred_at)) AS last_seen, argMax(change_event_id, occurred_at) AS last_change_event_id,
           count() OVER () AS total_paths
    FROM ${t.drift} FINAL
    WHERE state = 'unmanaged'
      AND (empty({env:String}) OR env = {env:String})
      AND (empty({path:String}) OR position(path, {path:String}) > 0)
      AND (empty({hosts:Array(String)}) OR has({hosts:Array(String)}, host))
    GROUP BY path
    ORDER BY max(occurred_at) DESC, path
    LIMIT {limit:UInt32} OFFSET {offset:UInt32}`,
});

/** One page of unmanaged paths, and how many paths there are in all. */
export async function unmanagedByPath(store: Store, filters: UnmanagedFilters = {}): Promise<{ groups: UnmanagedGroup[]; totalPaths: number }> {
  const rows = await groupsQuery(store, filters);
  return { groups: rows.map(({ total_paths: _total, ...g }) => g), totalPaths: rows[0]?.total_paths ?? 0 };
}

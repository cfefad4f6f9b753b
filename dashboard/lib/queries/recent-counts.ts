import { z } from "zod";
import type { Store } from "../../../store/open";
import { countsByCategoryChannelQuery } from "../../../store/events";
import { envsInWindowQuery, isDemoEnv } from "./envs";

/** An env filter from a URL: the store's env column is LowCardinality(String) of at most 64. */
export const envFilterSchema = z
  .string()
  .max(64, { message: "env is at most 64 characters" })
  .regex(/^[A-Za-z0-9._-]*$/, { message: "env may hold letters, digits, '.', '_' and '-' only" });

export const hoursSchema = z.coerce.number().int().min(1).max(24 * 90);

export interface RecentCounts {
  from: string;
  to: string;
  hours: number;
  env: string;
  total: number;
  cells: Array<{ category: string; channel: string; events: number }>;
  byCategory: Array<{ name: string; events: number }>;
  byChannel: Array<{ name: string; events: number }>;
  envs: Array<{ env: string; events: number; demo: boolean }>;
  /** True when any event counted in this view is demo data. */
  demo: boolean;
  /** How many of `total` are demo data (env demo-* or label demo=true). */
  demoEvents: number;
}

function sumBy(cells: RecentCounts["cells"], key: "category" | "channel"): RecentCounts["byCategory"] {
  const sums = new Map<string, number>();
  for (const cell of cells) sums.set(cell[key], (sums.get(cell[key]) ?? 0) + cell.events);
  return [...sums].map(([name, events]) => ({ name, events })).sort((a, b) => b.events - a.events || a.name.localeCompare(b.name));
}

/**
 * Events of the last `hours` by category × channel, for the overview page
 * and GET /api/v1/counts. Two queries, both on the (env, occurred_at) prefix
 * of the events sort key.
 */
export async function loadRecentCounts(store: Store, options: { hours: number; env: string; now?: Date }): Promise<RecentCounts> {
  const now = options.now ?? new Date();
  const to = now.toISOString();
  const from = new Date(now.getTime() - options.hours * 3_600_000).toISOString();
  const [cells, envRows] = await Promise.all([
    countsByCategoryChannelQuery(store, { from, to, env: options.env }),
    envsInWindowQuery(store, { from, to }),
  ]);
  const envs = envRows.map((row) => ({ env: row.env, events: row.events, demo: isDemoEnv(row) }));
  const inView = options.env === "" ? envs : envs.filter((e) => e.env === options.env);
  return {
    from,
    to,
    hours: options.hours,
    env: options.env,
    total: cells.reduce((sum, c) => sum + c.events, 0),
    cells,
    byCategory: sumBy(cells, "category"),
    byChannel: sumBy(cells, "channel"),
    envs,
    demo: inView.some((e) => e.demo),
    demoEvents: inView.filter((e) => e.demo).reduce((sum, e) => sum + e.events, 0),
  };
}

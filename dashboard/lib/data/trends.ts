import type { Store } from "../../../store/open";
import { authorize, type Viewer } from "../auth/permissions";
import type { Filters } from "../filters/schema";
import type { TrendDimension, TrendPeriod } from "../queries/trends";
import { rollupAccessTrendQuery, rollupBreakGlassQuery, rollupPipelineShareQuery } from "../queries/rollup-trends";
import { toFilterParams } from "../queries/where";

export interface PivotSeries {
  keys: string[];
  /** One point per period: { period, [key]: events }. */
  points: Array<Record<string, string | number>>;
}

/** (period, key, events) rows → one point per period with a column per key; keys ordered by total, largest first. */
function pivot(rows: Array<{ period: string; key: string; events: number }>, maxKeys = 8): PivotSeries {
  const totals = new Map<string, number>();
  for (const r of rows) totals.set(r.key, (totals.get(r.key) ?? 0) + r.events);
  const ranked = [...totals].sort((a, b) => b[1] - a[1]).map(([k]) => (k === "" ? "(none)" : k));
  // More than 8 stacked colours stop being readable; the rest fold into "other".
  const keys = ranked.length > maxKeys ? [...ranked.slice(0, maxKeys - 1), "other"] : ranked;
  const kept = new Set(keys);
  const byPeriod = new Map<string, Record<string, string | number>>();
  for (const r of rows) {
    const point = byPeriod.get(r.period) ?? { period: r.period, ...Object.fromEntries(keys.map((k) => [k, 0])) };
    const name = r.key === "" ? "(none)" : r.key;
    const key = kept.has(name) ? name : "other";
    point[key] = Number(point[key] ?? 0) + r.events;
    byPeriod.set(r.period, point);
  }
  return { keys, points: [...byPeriod.values()].sort((a, b) => String(a.period).localeCompare(String(b.period))) };
}

export async function accessTrend(viewer: Viewer, store: Store, filters: Filters, period: TrendPeriod, dimension: TrendDimension): Promise<PivotSeries> {
  authorize(viewer, "aggregates:read", filters);
  return pivot(await rollupAccessTrendQuery(period, dimension)(store, toFilterParams(filters)));
}

export interface PipelineShare {
  period: string;
  pipeline: number;
  direct: number;
  /** Percent of changes that went through the pipeline; null when there were none. */
  share: number | null;
}

export async function pipelineShare(viewer: Viewer, store: Store, filters: Filters, period: TrendPeriod): Promise<PipelineShare[]> {
  authorize(viewer, "aggregates:read", filters);
  const rows = await rollupPipelineShareQuery(period)(store, toFilterParams(filters));
  return rows.map((r) => {
    const total = r.pipeline + r.direct;
    return { ...r, share: total === 0 ? null : Math.round((1000 * r.pipeline) / total) / 10 };
  });
}

export async function breakGlassTrend(viewer: Viewer, store: Store, filters: Filters, period: TrendPeriod): Promise<PivotSeries> {
  authorize(viewer, "aggregates:read", filters);
  return pivot(await rollupBreakGlassQuery(period)(store, toFilterParams(filters)));
}

import type { Store } from "../../../store/open";
import { authorize, can, type Viewer } from "../auth/permissions";
import type { Filters } from "../filters/schema";
import { accessSeriesQuery, openSessionsQuery, overviewSummaryQuery, topActorsQuery, topActorsRankedQuery, topHostsQuery, topHostsRankedQuery } from "../queries/overview";
import { bucketSeconds, toFilterParams } from "../queries/where";
import { envsInWindowQuery, isDemoEnv } from "../queries/envs";
import { rollupSummaryQuery } from "../queries/rollup-counts";
import { rollupServes, toRollupParams } from "../queries/rollup-window";

/**
 * The overview page's panels. Every function takes the Viewer first and
 * checks it before the store is touched (permissions.ts says why here and
 * not in middleware). Each panel is its own function so the page can stream
 * them independently behind Suspense.
 */
export async function overviewSummary(viewer: Viewer, store: Store, filters: Filters) {
  authorize(viewer, "aggregates:read", filters);
  const params = toRollupParams(filters);
  // The hourly rollups know env but not service, team, channel or type per
  // entity, nor hosts, actors or text: those filters read events (exact too, slower).
  if (!rollupServes(params, ["envs"])) {
    const [row] = await overviewSummaryQuery(store, params);
    return row ?? { events: 0, people: 0, services: 0, sessions: 0, hosts: 0, break_glass: 0, failed_logins: 0 };
  }
  const [row] = await rollupSummaryQuery(store, params);
  return row ?? { events: 0, people: 0, services: 0, sessions: 0, hosts: 0, break_glass: 0, failed_logins: 0 };
}

export interface AccessSeries {
  step: number;
  channels: string[];
  /** One point per bucket: { t: ISO bucket start, [channel]: events }. */
  points: Array<Record<string, number | string>>;
}

/** Access by channel over time, zero-filled so stacked areas do not interpolate across empty buckets. */
export async function accessSeries(viewer: Viewer, store: Store, filters: Filters): Promise<AccessSeries> {
  authorize(viewer, "aggregates:read", filters);
  const step = bucketSeconds(filters.from, filters.to);
  const rows = await accessSeriesQuery(store, { ...toFilterParams(filters), step });
  const totals = new Map<string, number>();
  const byBucket = new Map<string, Map<string, number>>();
  for (const r of rows) {
    totals.set(r.channel, (totals.get(r.channel) ?? 0) + r.events);
    const t = new Date(r.bucket).toISOString();
    const m = byBucket.get(t) ?? new Map<string, number>();
    m.set(r.channel, r.events);
    byBucket.set(t, m);
  }
  const channels = [...totals].sort((a, b) => b[1] - a[1]).map(([c]) => c);
  const points: AccessSeries["points"] = [];
  const stepMs = step * 1000;
  const first = Math.floor(Date.parse(filters.from) / stepMs) * stepMs;
  for (let t = first; t < Date.parse(filters.to); t += stepMs) {
    const iso = new Date(t).toISOString();
    const m = byBucket.get(iso);
    points.push({ t: iso, ...Object.fromEntries(channels.map((c) => [c, m?.get(c) ?? 0])) });
  }
  return { step, channels, points };
}

export async function topActors(viewer: Viewer, store: Store, filters: Filters, limit = 10) {
  authorize(viewer, "aggregates:read", filters);
  const params = toRollupParams(filters);
  return rollupServes(params, ["envs"]) ? topActorsRankedQuery(store, { ...params, limit }) : topActorsQuery(store, { ...params, limit });
}

export async function topHosts(viewer: Viewer, store: Store, filters: Filters, limit = 10) {
  authorize(viewer, "aggregates:read", filters);
  const params = toRollupParams(filters);
  return rollupServes(params, ["envs"]) ? topHostsRankedQuery(store, { ...params, limit }) : topHostsQuery(store, { ...params, limit });
}

/** 12 hours: a login older than a working day without a logout is a stale record, not "right now". */
export const OPEN_SESSION_HOURS = 12;

/** Sessions name people, hosts and times of individual logins: events:read, not an aggregate. */
export async function openSessions(viewer: Viewer, store: Store, filters: Filters, now: Date = new Date()) {
  authorize(viewer, "events:read", filters);
  const since = new Date(now.getTime() - OPEN_SESSION_HOURS * 3_600_000).toISOString();
  return openSessionsQuery(store, { ...toFilterParams(filters), since, limit: 50 });
}

export function canSeeEvents(viewer: Viewer): boolean {
  return can(viewer, "events:read");
}

/** Environments seen in the window and whether they hold demo data (env demo-* or label demo=true). */
export async function envsInWindow(viewer: Viewer, store: Store, filters: Filters) {
  authorize(viewer, "aggregates:read", filters);
  const rows = await envsInWindowQuery(store, { from: filters.from, to: filters.to });
  return rows.map((r) => ({ env: r.env, events: r.events, demo: isDemoEnv(r) }));
}

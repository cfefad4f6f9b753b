import type { Store } from "../../../store/open";
import { authorize, type Viewer } from "../auth/permissions";
import type { Filters } from "../filters/schema";
import {
  actorByChannelQuery, actorByHostQuery, actorHoursQuery, actorSummaryQuery, hostByActorQuery, hostByChannelQuery, hostChangesQuery, hostSummaryQuery,
} from "../queries/profiles";
import { toFilterParams } from "../queries/where";

/** 14 days before the window: two weeks holds both weekdays and a weekend, the smallest sample of someone's usual hours. */
export const BASELINE_DAYS = 14;

export interface HourCell {
  hour: number;
  /** Events per day in the window at this hour (UTC). */
  inRange: number;
  /** Events per day at this hour over the baseline. */
  baseline: number;
  /** Active now at an hour never used in the baseline: the cell a reviewer should look at. */
  unusual: boolean;
}

export async function actorProfile(viewer: Viewer, store: Store, filters: Filters, actorId: string) {
  authorize(viewer, "profiles:read", filters);
  const params = { ...toFilterParams(filters), subject: actorId };
  const baselineFrom = new Date(Date.parse(filters.from) - BASELINE_DAYS * 86_400_000).toISOString();
  const [summary, channels, hosts, hourRows] = await Promise.all([
    actorSummaryQuery(store, params),
    actorByChannelQuery(store, params),
    actorByHostQuery(store, params),
    actorHoursQuery(store, { ...params, baseline_from: baselineFrom }),
  ]);
  const rangeDays = Math.max(1 / 24, (Date.parse(filters.to) - Date.parse(filters.from)) / 86_400_000);
  const byHour = new Map(hourRows.map((r) => [r.hour, r]));
  const hours: HourCell[] = Array.from({ length: 24 }, (_, hour) => {
    const r = byHour.get(hour);
    const inRange = (r?.in_range ?? 0) / rangeDays;
    const baseline = (r?.baseline ?? 0) / BASELINE_DAYS;
    return { hour, inRange, baseline, unusual: inRange > 0 && baseline === 0 };
  });
  return { summary: summary[0] ?? null, channels, hosts, hours, baselineFrom };
}

export async function hostProfile(viewer: Viewer, store: Store, filters: Filters, host: string) {
  authorize(viewer, "profiles:read", filters);
  const params = { ...toFilterParams(filters), subject: host };
  const [summary, actors, channels, changes] = await Promise.all([
    hostSummaryQuery(store, params),
    hostByActorQuery(store, params),
    hostByChannelQuery(store, params),
    hostChangesQuery(store, params),
  ]);
  return { summary: summary[0] ?? null, actors, channels, changes };
}

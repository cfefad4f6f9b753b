import type { Store } from "../../../store/open";
import { authorize, type Viewer } from "../auth/permissions";
import type { Filters } from "../filters/schema";
import {
  actorHoursQuery, actorOverviewQuery, hostChangesQuery, hostOverviewQuery, type Breakdown, type ProfileBreakdownRow, type ProfileSummary,
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

type OverviewRow = ({ set: "summary" } & ProfileSummary) | ({ set: Breakdown } & ProfileBreakdownRow);

/** Splits an overview's rows into the summary and its breakdowns, each in the query's order. */
function splitOverview(rows: readonly OverviewRow[]) {
  let summary: ProfileSummary | null = null;
  const breakdowns: Partial<Record<Breakdown, ProfileBreakdownRow[]>> = {};
  for (const row of rows) {
    if (row.set === "summary") {
      const { set: _set, ...rest } = row;
      summary ??= rest;
    } else {
      const { set, ...rest } = row;
      (breakdowns[set] ??= []).push(rest);
    }
  }
  return { summary, breakdown: (by: Breakdown) => breakdowns[by] ?? [] };
}

export async function actorProfile(viewer: Viewer, store: Store, filters: Filters, actorId: string) {
  authorize(viewer, "profiles:read", filters);
  const params = { ...toFilterParams(filters), subject: actorId };
  const baselineFrom = new Date(Date.parse(filters.from) - BASELINE_DAYS * 86_400_000).toISOString();
  const [overviewRows, hourRows] = await Promise.all([
    actorOverviewQuery(store, params),
    actorHoursQuery(store, { ...params, baseline_from: baselineFrom }),
  ]);
  const { summary, breakdown } = splitOverview(overviewRows);
  const channels = breakdown("channel");
  const hosts = breakdown("host");
  const rangeDays = Math.max(1 / 24, (Date.parse(filters.to) - Date.parse(filters.from)) / 86_400_000);
  const byHour = new Map(hourRows.map((r) => [r.hour, r]));
  const hours: HourCell[] = Array.from({ length: 24 }, (_, hour) => {
    const r = byHour.get(hour);
    const inRange = (r?.in_range ?? 0) / rangeDays;
    const baseline = (r?.baseline ?? 0) / BASELINE_DAYS;
    return { hour, inRange, baseline, unusual: inRange > 0 && baseline === 0 };
  });
  return { summary, channels, hosts, hours, baselineFrom };
}

export async function hostProfile(viewer: Viewer, store: Store, filters: Filters, host: string) {
  authorize(viewer, "profiles:read", filters);
  const params = { ...toFilterParams(filters), subject: host };
  const [overviewRows, changes] = await Promise.all([hostOverviewQuery(store, params), hostChangesQuery(store, params)]);
  const { summary, breakdown } = splitOverview(overviewRows);
  return { summary, actors: breakdown("actor"), channels: breakdown("channel"), changes };
}

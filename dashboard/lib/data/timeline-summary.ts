import type { Store } from "../../../store/open";
import { authorize, type Viewer } from "../auth/permissions";
import type { Filters } from "../filters/schema";
import { timelineFindingsQuery } from "../queries/timeline";
import { timelineLaneBucketsQuery, timelineLaneEventsQuery, timelineLanesQuery, timelineWindowBucketsQuery } from "../queries/timeline-lanes";
import { toFilterParams } from "../queries/where";
import { gapThresholdMinutes, type Gap, type TimelineItem } from "./timeline";
import { bucketStepMs, busiestStretch, gapsFromBuckets, splitGapsByMoments, type Stretch } from "./timeline-window";

/**
 * What the timeline page shows: a bounded summary, never every event.
 * At 10M events the old page carried the window's first 5,000 events and
 * sent 7.7 MB (issue #13); this carries one page of lanes, each lane's
 * events per time bucket, and the first few events of each lane — the same
 * size at 1M events as at 10M. The export (timeline-export.ts) still reads
 * buildTimeline, unchanged.
 */
export const LANES_PER_PAGE = 50;
/** Five rows per lane: 50 lanes × 5 rows stays near 250 table rows, a readable first screen and well under 1 MB. */
export const EVENTS_PER_LANE = 5;
/** A lane's "what" is a one-line preview here; the event itself has the rest. */
const WHAT_CHARS = 160;
/** Names are cut on the server too: a 100 kB actor id must not travel to the browser to be ellipsised there. */
const NAME_CHARS = 200;

export interface LaneBucket { index: number; events: number; failures: number; breakGlass: number }

export interface TimelineLane {
  key: string;
  actor: string;
  host: string;
  session: string;
  first: string;
  last: string;
  events: number;
  buckets: LaneBucket[];
  items: TimelineItem[];
}

export interface TimelineActorGroup { actor: string; lanes: TimelineLane[]; continued: boolean }

export interface TimelineSummary {
  from: string;
  to: string;
  bucketMs: number;
  bucketCount: number;
  page: number;
  pages: number;
  totalLanes: number;
  totalActors: number;
  totalEvents: number;
  groups: TimelineActorGroup[];
  findings: { total: number; buckets: LaneBucket[]; items: TimelineItem[] };
  /** Events per bucket over every lane (dense, bucketCount long). */
  axis: number[];
  gaps: Gap[];
  gapMinutes: number;
  /** The busiest hour of a wide window, offered when the window holds more than one page of lanes. */
  busiest: Stretch | null;
}

const cut = (s: string, n: number) => (s.length > n ? s.slice(0, n) : s);

export async function buildTimelineSummary(viewer: Viewer, store: Store, filters: Filters, options: { page: number }): Promise<TimelineSummary> {
  authorize(viewer, "timeline:read", filters);
  const params = toFilterParams(filters);
  const fromMs = Date.parse(filters.from);
  const spanMs = Math.max(1, Date.parse(filters.to) - fromMs);
  const bucketMs = bucketStepMs(spanMs);
  const bucketCount = Math.ceil(spanMs / bucketMs);
  const gapMinutes = gapThresholdMinutes(filters.from, filters.to);
  const wanted = Math.max(1, Math.floor(options.page));
  const gapMs = gapMinutes * 60_000;
  // Gaps come from the histogram's buckets when they are no wider than a gap
  // (every window up to ~120 days: 24 h has 15 min buckets, 60 min gaps);
  // wider ones (a 7-day bucket beside a 5-day gap) ask for gap-wide buckets.
  const gapBuckets = bucketMs <= gapMs ? null : timelineWindowBucketsQuery(store, { ...params, from_ms: fromMs, bucket_ms: gapMs });
  const [firstTry, findings, windowBuckets, wideGapBuckets] = await Promise.all([
    timelineLanesQuery(store, { ...params, limit: LANES_PER_PAGE, offset: (wanted - 1) * LANES_PER_PAGE }),
    timelineFindingsQuery(store, params),
    timelineWindowBucketsQuery(store, { ...params, from_ms: fromMs, bucket_ms: bucketMs }),
    gapBuckets,
  ]);
  const eventGaps = gapsFromBuckets(wideGapBuckets ?? windowBuckets, gapMs);
  // A page past the end (a permalink taken before data aged out) shows the last page rather than nothing.
  let lanes = firstTry;
  let page = wanted;
  if (lanes.length === 0 && wanted > 1) {
    const [probe] = await timelineLanesQuery(store, { ...params, limit: 1, offset: 0 });
    page = Math.max(1, Math.ceil((probe?.total_lanes ?? 0) / LANES_PER_PAGE));
    lanes = await timelineLanesQuery(store, { ...params, limit: LANES_PER_PAGE, offset: (page - 1) * LANES_PER_PAGE });
  }
  const keys = lanes.map((l) => l.lane);
  const [buckets, events] = keys.length === 0 ? [[], []] : await Promise.all([
    timelineLaneBucketsQuery(store, { ...params, from_ms: fromMs, bucket_ms: bucketMs, lanes: keys }),
    timelineLaneEventsQuery(store, { ...params, lanes: keys, per_lane: EVENTS_PER_LANE }),
  ]);
  const bucketsByLane = groupBy(buckets, (b) => b.lane);
  const eventsByLane = groupBy(events, (e) => e.lane);
  const groups: TimelineActorGroup[] = [];
  for (const l of lanes) {
    const lane: TimelineLane = {
      key: l.lane, actor: cut(l.actor, NAME_CHARS), host: cut(l.host, NAME_CHARS), session: cut(l.session, NAME_CHARS), first: l.first_at, last: l.last_at, events: l.events,
      buckets: (bucketsByLane.get(l.lane) ?? []).map((b) => ({ index: b.bucket, events: b.events, failures: b.failures, breakGlass: b.break_glass })),
      items: (eventsByLane.get(l.lane) ?? []).map((e) => ({
        kind: "event" as const, id: e.event_id, at: e.occurred_at, type: e.type, actor: cut(e.actor_id, NAME_CHARS), host: cut(e.host, NAME_CHARS), env: e.env, channel: e.channel,
        outcome: e.outcome, session: cut(e.session_id, NAME_CHARS), what: cut(e.summary, WHAT_CHARS), whatChars: e.summary_chars, breakGlass: e.break_glass,
      })),
    };
    const last = groups[groups.length - 1];
    if (last && last.actor === lane.actor) last.lanes.push(lane);
    else groups.push({ actor: lane.actor, lanes: [lane], continued: groups.length === 0 && page > 1 });
  }
  const findingItems: TimelineItem[] = findings.map((f) => ({
    kind: "finding", id: f.finding_id, at: f.occurred_at, type: `finding.${f.detector}`, actor: cut(f.actor_id, NAME_CHARS), host: cut(f.host, NAME_CHARS), env: f.env,
    channel: "", outcome: f.severity, session: "", what: cut(f.title, WHAT_CHARS), whatChars: f.title.length, breakGlass: false,
  }));
  const axis = new Array<number>(bucketCount).fill(0);
  for (const b of windowBuckets) if (b.bucket < bucketCount) axis[b.bucket] = b.events;
  const total = lanes[0] ?? firstTry[0];
  const totalLanes = total?.total_lanes ?? 0;
  return {
    from: filters.from, to: filters.to, bucketMs, bucketCount, page, pages: Math.max(1, Math.ceil(totalLanes / LANES_PER_PAGE)),
    totalLanes, totalActors: total?.total_actors ?? 0, totalEvents: total?.total_events ?? 0, groups,
    findings: { total: findingItems.length, buckets: bucketize(findingItems, fromMs, bucketMs), items: findingItems.slice(0, EVENTS_PER_LANE) },
    axis,
    gaps: splitGapsByMoments(eventGaps, findingItems.map((f) => f.at), gapMinutes),
    gapMinutes,
    busiest: totalLanes > LANES_PER_PAGE ? busiestStretch(axis, fromMs, bucketMs, 3_600_000) : null,
  };
}

function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = out.get(k);
    if (list) list.push(row);
    else out.set(k, [row]);
  }
  return out;
}

function bucketize(items: TimelineItem[], fromMs: number, bucketMs: number): LaneBucket[] {
  const byIndex = new Map<number, LaneBucket>();
  for (const item of items) {
    const index = Math.floor((Date.parse(item.at) - fromMs) / bucketMs);
    const b = byIndex.get(index) ?? { index, events: 0, failures: 0, breakGlass: 0 };
    b.events += 1;
    if (item.outcome === "high" || item.outcome === "critical") b.failures += 1;
    byIndex.set(index, b);
  }
  return [...byIndex.values()].sort((a, b) => a.index - b.index);
}

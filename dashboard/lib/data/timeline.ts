import type { Store } from "../../../store/open";
import { authorize, type Viewer } from "../auth/permissions";
import type { Filters } from "../filters/schema";
import { TIMELINE_LIMIT, timelineEventsQuery, timelineFindingsQuery } from "../queries/timeline";
import { toFilterParams } from "../queries/where";

export interface TimelineItem {
  kind: "event" | "finding";
  id: string;
  at: string;
  type: string;
  actor: string;
  host: string;
  env: string;
  channel: string;
  outcome: string;
  session: string;
  /** What happened, one line (command, path, package, commit or finding title), cut at 300 characters. */
  what: string;
  whatChars: number;
  breakGlass: boolean;
}

export interface TimelineGroup {
  /** session_id, or `actor@host` for events outside a session, or `findings`. */
  key: string;
  label: string;
  actor: string;
  host: string;
  start: string;
  end: string;
  items: TimelineItem[];
  /** Keys of other groups on the same host whose span intersects this one. */
  overlaps: string[];
}

export interface Gap {
  from: string;
  to: string;
  minutes: number;
}

export interface Timeline {
  items: TimelineItem[];
  groups: TimelineGroup[];
  gaps: Gap[];
  truncated: boolean;
  /** A silence longer than this between consecutive items is shown as a gap. */
  gapMinutes: number;
}

/** 15 minutes, or 1/24 of the window when wider: a gap must stand out from the ordinary pauses of the window's scale. */
export function gapThresholdMinutes(from: string, to: string): number {
  return Math.max(15, Math.round((Date.parse(to) - Date.parse(from)) / 60_000 / 24));
}

export async function buildTimeline(viewer: Viewer, store: Store, filters: Filters): Promise<Timeline> {
  authorize(viewer, "timeline:read", filters);
  const params = toFilterParams(filters);
  const [events, findings] = await Promise.all([timelineEventsQuery(store, { ...params, limit: TIMELINE_LIMIT + 1 }), timelineFindingsQuery(store, params)]);
  const truncated = events.length > TIMELINE_LIMIT;
  const items: TimelineItem[] = [
    ...events.slice(0, TIMELINE_LIMIT).map((e) => ({
      kind: "event" as const, id: e.event_id, at: e.occurred_at, type: e.type, actor: e.actor_id, host: e.host, env: e.env, channel: e.channel,
      outcome: e.outcome, session: e.session_id, what: e.summary, whatChars: e.summary_chars, breakGlass: e.break_glass,
    })),
    ...findings.map((f) => ({
      kind: "finding" as const, id: f.finding_id, at: f.occurred_at, type: `finding.${f.detector}`, actor: f.actor_id, host: f.host, env: f.env,
      channel: "", outcome: f.severity, session: "", what: f.title, whatChars: f.title.length, breakGlass: false,
    })),
  ].sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));
  const gapMinutes = gapThresholdMinutes(filters.from, filters.to);
  return { items, groups: groupBySession(items), gaps: findGaps(items, gapMinutes), truncated, gapMinutes };
}

export function groupBySession(items: TimelineItem[]): TimelineGroup[] {
  const groups = new Map<string, TimelineGroup>();
  for (const item of items) {
    const key = item.kind === "finding" ? "findings" : item.session !== "" ? item.session : `${item.actor}@${item.host}`;
    let g = groups.get(key);
    if (!g) {
      const label = item.kind === "finding" ? "Findings" : item.session !== "" ? `Session ${item.session}` : `${item.actor} on ${item.host || "(no host)"}, outside a session`;
      g = { key, label, actor: item.actor, host: item.host, start: item.at, end: item.at, items: [], overlaps: [] };
      groups.set(key, g);
    }
    g.items.push(item);
    g.end = item.at;
  }
  const list = [...groups.values()];
  for (const a of list) {
    if (a.key === "findings") continue;
    for (const b of list) {
      if (a === b || b.key === "findings" || a.host === "" || a.host !== b.host) continue;
      if (a.start <= b.end && b.start <= a.end) a.overlaps.push(b.key);
    }
  }
  return list.sort((a, b) => a.start.localeCompare(b.start));
}

export function findGaps(items: TimelineItem[], minutes: number): Gap[] {
  const gaps: Gap[] = [];
  for (let i = 1; i < items.length; i++) {
    const prev = items[i - 1];
    const cur = items[i];
    if (!prev || !cur) continue;
    const m = (Date.parse(cur.at) - Date.parse(prev.at)) / 60_000;
    if (m > minutes) gaps.push({ from: prev.at, to: cur.at, minutes: Math.round(m) });
  }
  return gaps;
}

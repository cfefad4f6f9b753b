import type { Viewer } from "../../dashboard/lib/auth/permissions";
import { countEvents, getEventDetail, listEvents } from "../../dashboard/lib/data/events";
import { accessSeries, envsInWindow, openSessions, overviewSummary, topActors, topHosts } from "../../dashboard/lib/data/overview";
import { actorProfile, hostProfile } from "../../dashboard/lib/data/profiles";
import { accessTrend, breakGlassTrend, pipelineShare } from "../../dashboard/lib/data/trends";
import type { Filters } from "../../dashboard/lib/filters/schema";
import { eventCountQuery } from "../../dashboard/lib/queries/events";
import { overviewSummaryQuery } from "../../dashboard/lib/queries/overview";
import { accessTrendQuery, pipelineShareQuery } from "../../dashboard/lib/queries/trends";
import { toFilterParams } from "../../dashboard/lib/queries/where";
import { driftSummary } from "../../drift/queries";
import type { Store } from "../../store/open";

const admin: Viewer = { userId: "bench", email: "bench@example.com", name: "bench", role: "admin", sessionId: "bench" };

function window(now: Date, hours: number, overrides: Partial<Filters> = {}): Filters {
  return { range: null, from: new Date(now.getTime() - hours * 3_600_000).toISOString(), to: now.toISOString(), q: "", env: [], service: [], host: [], actor: [], team: [], channel: [], type: [], ...overrides };
}

export interface Panel {
  name: string;
  /** For a panel the rollups now answer: the raw query it ran before, timed in the same run. */
  before?: () => Promise<unknown>;
  /** The window the panel reads, in hours before now: its baseline is a plain count() over it. */
  hours: number;
  run: () => Promise<unknown>;
}

/**
 * Every panel's data function of the pages this bench owns (overview,
 * explorer, trends, profiles, findings and drift tiles), with the window
 * each page uses by default. The timeline has its own bench
 * (timeline-body.ts).
 */
export function panels(store: Store, now: Date): Panel[] {
  const day = window(now, 24);
  const week = window(now, 24 * 7);
  const quarter = window(now, 24 * 90);
  let deepCursor: { at: string; id: string } | null = null;
  let someEvent = "";
  const p = (name: string, hours: number, run: () => Promise<unknown>, before?: () => Promise<unknown>): Panel => ({ name, hours, run, ...(before ? { before } : {}) });
  return [
    p("overview.summary 24h", 24, () => overviewSummary(admin, store, day), () => overviewSummaryQuery(store, toFilterParams(day))),
    p("overview.envs 24h", 24, () => envsInWindow(admin, store, day)),
    p("overview.access_series 24h", 24, () => accessSeries(admin, store, day)),
    p("overview.top_actors 24h", 24, () => topActors(admin, store, day)),
    p("overview.top_hosts 24h", 24, () => topHosts(admin, store, day)),
    p("overview.open_sessions 12h", 12, () => openSessions(admin, store, day, now)),
    // data/drift.ts and the findings modules import "server-only" (Next resolves it, tsx does not): the drift
    // tile's query is all openDirectEditsTile does besides the role check; the findings tile is measured in the pages.
    p("overview.open_direct_edits", 24, () => driftSummary(store, "")),
    p("overview.summary 7d", 24 * 7, () => overviewSummary(admin, store, week), () => overviewSummaryQuery(store, toFilterParams(week))),
    p("events.page 1 (24h)", 24, async () => {
      const page = await listEvents(admin, store, day);
      someEvent = page.rows[0]?.event_id ?? "";
      deepCursor = page.next;
    }),
    p("events.page 2 (keyset)", 24, () => listEvents(admin, store, day, { after: deepCursor })),
    p("events.count 24h", 24, () => countEvents(admin, store, day), () => eventCountQuery(store, toFilterParams(day))),
    p("events.page 1 (7d, channel=sudo)", 24 * 7, () => listEvents(admin, store, window(now, 24 * 7, { channel: ["sudo"] }))),
    p("events.count 7d", 24 * 7, () => countEvents(admin, store, week), () => eventCountQuery(store, toFilterParams(week))),
    p("events.page 1 (7d, search)", 24 * 7, () => listEvents(admin, store, window(now, 24 * 7, { q: "systemctl" }))),
    p("events.detail", 24, () => getEventDetail(admin, store, someEvent)),
    p("trends.by_team 90d week", 24 * 90, () => accessTrend(admin, store, quarter, "week", "team"), () => accessTrendQuery("week", "team")(store, toFilterParams(quarter))),
    p("trends.by_channel 90d week", 24 * 90, () => accessTrend(admin, store, quarter, "week", "channel"), () => accessTrendQuery("week", "channel")(store, toFilterParams(quarter))),
    p("trends.pipeline_share 90d", 24 * 90, () => pipelineShare(admin, store, quarter, "week"), () => pipelineShareQuery("week")(store, toFilterParams(quarter))),
    p("trends.break_glass 90d", 24 * 90, () => breakGlassTrend(admin, store, quarter, "week")),
    p("profile.actor 7d", 24 * 7, () => actorProfile(admin, store, week, "lena.moreau@demo.example.com")),
    p("profile.host 7d", 24 * 7, () => hostProfile(admin, store, week, "db-prod-01")),
  ];
}

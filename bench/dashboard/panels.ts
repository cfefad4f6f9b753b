import type { Viewer } from "../../dashboard/lib/auth/permissions";
import { countEvents, getEventDetail, listEvents } from "../../dashboard/lib/data/events";
import { accessSeries, openSessions, overviewSummary, topActors, topHosts } from "../../dashboard/lib/data/overview";
import { actorProfile, hostProfile } from "../../dashboard/lib/data/profiles";
import { buildTimeline } from "../../dashboard/lib/data/timeline";
import { accessTrend, breakGlassTrend, pipelineShare } from "../../dashboard/lib/data/trends";
import type { Filters } from "../../dashboard/lib/filters/schema";
import type { Store } from "../../store/open";

const admin: Viewer = { userId: "bench", email: "bench@example.com", name: "bench", role: "admin", sessionId: "bench" };

function window(now: Date, hours: number, overrides: Partial<Filters> = {}): Filters {
  return { range: null, from: new Date(now.getTime() - hours * 3_600_000).toISOString(), to: now.toISOString(), q: "", env: [], service: [], host: [], actor: [], team: [], channel: [], type: [], ...overrides };
}

/** Every panel's data function, with the window each page uses by default. */
export function panels(store: Store, now: Date): Array<[string, () => Promise<unknown>]> {
  const day = window(now, 24);
  const week = window(now, 24 * 7);
  const quarter = window(now, 24 * 90);
  let deepCursor: { at: string; id: string } | null = null;
  let someEvent = "";
  return [
    ["overview.summary 24h", () => overviewSummary(admin, store, day)],
    ["overview.access_series 24h", () => accessSeries(admin, store, day)],
    ["overview.top_actors 24h", () => topActors(admin, store, day)],
    ["overview.top_hosts 24h", () => topHosts(admin, store, day)],
    ["overview.open_sessions", () => openSessions(admin, store, day, now)],
    ["overview.summary 7d", () => overviewSummary(admin, store, week)],
    ["events.page 1 (24h)", async () => {
      const p = await listEvents(admin, store, day);
      someEvent = p.rows[0]?.event_id ?? "";
      deepCursor = p.next;
    }],
    ["events.page 2 (keyset)", () => listEvents(admin, store, day, { after: deepCursor })],
    ["events.page 1 (7d, channel=sudo)", () => listEvents(admin, store, window(now, 24 * 7, { channel: ["sudo"] }))],
    ["events.page 1 (7d, search)", () => listEvents(admin, store, window(now, 24 * 7, { q: "systemctl" }))],
    ["events.count 7d", () => countEvents(admin, store, week)],
    ["events.detail", () => getEventDetail(admin, store, someEvent)],
    ["trends.by_team 90d week", () => accessTrend(admin, store, quarter, "week", "team")],
    ["trends.pipeline_share 90d", () => pipelineShare(admin, store, quarter, "week")],
    ["trends.break_glass 90d", () => breakGlassTrend(admin, store, quarter, "week")],
    ["timeline 1h", () => buildTimeline(admin, store, window(now, 1))],
    ["profile.actor 7d", () => actorProfile(admin, store, week, "lena.moreau@demo.example.com")],
    ["profile.host 7d", () => hostProfile(admin, store, week, "db-prod-01")],
  ];
}

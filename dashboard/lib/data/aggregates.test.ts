import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuditEvent } from "../../../schemas";
import { insertEvents } from "../../../store/events";
import { openTestStore, type TestStore } from "../../../test/store";
import { ForbiddenError } from "../auth/permissions";
import { accessSeries, openSessions, overviewSummary, topActors, topHosts } from "./overview";
import { actorProfile, hostProfile } from "./profiles";
import { buildTimeline } from "./timeline";
import { timelineMarkdown } from "./timeline-export";
import { accessTrend, breakGlassTrend, pipelineShare } from "./trends";
import { WINDOW, at, filters, viewerOf } from "./fixtures.test-helpers";

let store: TestStore;
const analyst = viewerOf("analyst");
const viewer = viewerOf("viewer");
let events: AuditEvent[];

beforeAll(async () => {
  store = await openTestStore();
  events = [
    // alice: an ssh session on web-01, 10:00–10:30, with a direct file change.
    at(600, { type: "access.login", actor_id: "alice@example.com", host: "web-01", session_id: "s-a", team: "payments", service: "api" }),
    at(610, { type: "change.file", actor_id: "alice@example.com", host: "web-01", session_id: "s-a", channel: "sudo", team: "payments", service: "api", path: "/etc/app|x`y`.conf" }),
    at(630, { type: "access.logout", actor_id: "alice@example.com", host: "web-01", session_id: "s-a", team: "payments", service: "api" }),
    // bob: overlapping session on web-01, never logs out; a break-glass grant.
    at(620, { type: "access.login", actor_id: "bob@example.com", host: "web-01", session_id: "s-b", team: "infra", service: "api" }),
    at(625, { type: "access.grant", actor_id: "bob@example.com", host: "web-01", session_id: "s-b", team: "infra", service: "api" }),
    at(640, { type: "access.login_failed", actor_id: "mallory@example.com", host: "db-01", outcome: "failure", team: "", service: "db" }),
    // A deploy through the pipeline 5 hours later (a gap).
    at(940, { type: "deploy.release", actor_id: "ci@example.com", host: "web-01", team: "payments", service: "api" }),
    at(945, { type: "change.file", actor_id: "ci@example.com", actor_kind: "service", host: "web-01", channel: "ci-deploy", team: "payments", service: "api" }),
    // Staging, filtered out by env.
    at(700, { type: "access.login", env: "staging", actor_id: "carol@example.com", host: "stg-01", session_id: "s-c" }),
  ];
  await insertEvents(store, events);
  await insertEvents(store, [events[1]!]); // a redelivered change, stored twice until a merge
}, 120_000);
afterAll(async () => store?.drop());

const prod = () => filters({ env: ["prod"] });

describe("overview", () => {
  it("counts people, sessions, hosts, break-glass and failed logins once each", async () => {
    const s = await overviewSummary(viewer, store, prod());
    expect(s).toEqual({ events: 8, people: 3, services: 1, sessions: 2, hosts: 2, break_glass: 1, failed_logins: 1 });
    expect((await overviewSummary(viewer, store, filters())).events).toBe(9);
  });

  it("series, top actors and top hosts aggregate in the store", async () => {
    const series = await accessSeries(viewer, store, prod());
    const total = series.points.reduce((sum, p) => sum + series.channels.reduce((s, c) => s + Number(p[c] ?? 0), 0), 0);
    expect(total).toBe(5); // access.* in prod
    const actors = await topActors(viewer, store, prod());
    expect(actors[0]).toMatchObject({ actor_id: "alice@example.com", events: 3, changes: 1 });
    const hosts = await topHosts(viewer, store, prod());
    expect(hosts.map((h) => h.host)).toEqual(["web-01", "db-01"]);
  });

  it("lists open sessions for analysts only", async () => {
    const now = new Date(Date.parse(WINDOW.from) + 12 * 3_600_000);
    const open = await openSessions(analyst, store, prod(), now);
    expect(open.map((s) => s.session_id)).toEqual(["s-b"]);
    await expect(openSessions(viewer, store, prod(), now)).rejects.toThrow(ForbiddenError);
  });
});

describe("trends (daily rollup)", () => {
  it("counts by team and the pipeline share exactly once", async () => {
    const byTeam = await accessTrend(viewer, store, prod(), "week", "team");
    expect(byTeam.points).toHaveLength(1);
    expect(byTeam.points[0]).toMatchObject({ payments: 4, infra: 2 });
    const share = await pipelineShare(viewer, store, prod(), "month");
    expect(share).toEqual([{ period: "2026-01-01", pipeline: 1, direct: 1, share: 50 }]);
    const bg = await breakGlassTrend(viewer, store, prod(), "week");
    expect(bg.points[0]).toMatchObject({ infra: 1 });
  });
});

describe("timeline", () => {
  it("groups by session, shows the overlap and the gap, in order", async () => {
    const t = await buildTimeline(analyst, store, filters({ env: ["prod"], host: ["web-01"] }));
    expect(t.items.map((i) => i.at)).toEqual([...t.items.map((i) => i.at)].sort());
    expect(t.items).toHaveLength(7);
    const a = t.groups.find((g) => g.key === "s-a");
    expect(a?.items).toHaveLength(3);
    expect(a?.overlaps).toEqual(["s-b"]);
    expect(t.gaps.some((g) => g.minutes >= 300)).toBe(true);
    const md = timelineMarkdown(t, { from: WINDOW.from, to: WINDOW.to, permalink: "http://x/timeline?host=web-01" });
    const tableRows = md.split("\n").filter((l) => l.startsWith("|"));
    const cols = (l: string) => l.split(/(?<!\\)\|/).length;
    expect(new Set(tableRows.map(cols)).size).toBe(1);
    expect(md).toContain("/etc/app\\|x\\`y\\`.conf");
    await expect(buildTimeline(viewer, store, prod())).rejects.toThrow(ForbiddenError);
  });
});

describe("profiles", () => {
  it("says what an actor touched, how and when, against a baseline", async () => {
    const p = await actorProfile(analyst, store, prod(), "alice@example.com");
    expect(p.summary).toMatchObject({ events: 3, hosts: 1, changes: 1 });
    expect(p.channels.map((c) => c.key).sort()).toEqual(["ssh", "sudo"]);
    expect(p.hours.find((h) => h.hour === 10)).toMatchObject({ unusual: true });
    await expect(actorProfile(viewer, store, prod(), "alice@example.com")).rejects.toThrow(ForbiddenError);
  });

  it("says who touched a host", async () => {
    const p = await hostProfile(analyst, store, prod(), "web-01");
    expect(p.actors.map((a) => a.key).sort()).toEqual(["alice@example.com", "bob@example.com", "ci@example.com"]);
    expect(p.changes).toHaveLength(2);
    await expect(hostProfile(viewer, store, prod(), "web-01")).rejects.toThrow(ForbiddenError);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuditEvent } from "../../../schemas";
import { toEventRow } from "../../../store/event-rows";
import { insertEvents } from "../../../store/events";
import { insertRows } from "../../../store/query";
import { openTestStore, type TestStore } from "../../../test/store";
import { ForbiddenError } from "../auth/permissions";
import { WINDOW, at, filters, viewerOf } from "./fixtures.test-helpers";
import { buildTimeline } from "./timeline";
import { EVENTS_PER_LANE, LANES_PER_PAGE, buildTimelineSummary, type TimelineSummary } from "./timeline-summary";

/**
 * The page's bounded summary. Each test owns an env of the window so their
 * events never mix: "small" (the aggregates fixture's story), "paged"
 * (130 sessions), "dense" (one session of 600 events plus a planted
 * redelivery), "big" (more than the old page carried, 12,000 events).
 */
let store: TestStore;
const analyst = viewerOf("analyst");
const LONG = "x".repeat(40);

beforeAll(async () => {
  store = await openTestStore();
  const small = { env: "small" };
  const events: AuditEvent[] = [
    at(600, { ...small, type: "access.login", actor_id: "alice@example.com", host: "web-01", session_id: "s-a" }),
    at(610, { ...small, type: "change.file", actor_id: "alice@example.com", host: "web-01", session_id: "s-a", channel: "sudo", path: "/etc/app.conf" }),
    at(630, { ...small, type: "access.logout", actor_id: "alice@example.com", host: "web-01", session_id: "s-a" }),
    at(620, { ...small, type: "access.login", actor_id: "bob@example.com", host: "web-01", session_id: "s-b" }),
    at(625, { ...small, type: "access.grant", actor_id: "bob@example.com", host: "web-01", session_id: "s-b" }),
    at(640, { ...small, type: "access.login_failed", actor_id: "mallory@example.com", host: "db-01", outcome: "failure" }),
    at(940, { ...small, type: "deploy.release", actor_id: "ci@example.com", host: "web-01" }),
  ];
  for (let s = 0; s < 130; s++) {
    for (let k = 0; k < 3; k++) events.push(at(s * 10 + k, { env: "paged", actor_id: `p${s % 7}@example.com`, host: `h-${s}`, session_id: `paged-${String(s).padStart(3, "0")}`, type: "access.exec", command: `ls ${k}` }));
  }
  for (let i = 0; i < 600; i++) events.push(at(i * 2, { env: "dense", actor_id: "busy@example.com", host: "db-01", session_id: "dense-1", type: "access.exec", command: `step ${i}` }));
  for (let i = 0; i < 12_000; i++) {
    events.push(at((i * 7) % 1440, { env: "big", actor_id: `svc-${i % 40}-${LONG}@example.com`, host: `host-${i % 600}-${LONG}`, session_id: `big-${i % 600}-${LONG}`, type: "access.exec", command: `/usr/bin/run ${"y".repeat(280)} ${i}` }));
  }
  for (let i = 0; i < events.length; i += 5000) await insertEvents(store, events.slice(i, i + 5000));
  // A redelivered copy of one dense event, not merged away yet: stored as a second row under its own token (what a retried insert leaves).
  const dup = events.find((e) => e.env === "dense");
  if (!dup) throw new Error("fixture: no dense event");
  await insertRows(store, { table: "events", rows: [toEventRow(dup, new Date().toISOString())], deduplicationToken: `dup-${dup.event_id}` });
}, 180_000);

afterAll(async () => {
  await store?.drop();
});

const summary = (env: string, page = 1, extra = {}): Promise<TimelineSummary> => buildTimelineSummary(analyst, store, filters({ env: [env], ...extra }), { page });
const allLanes = (s: TimelineSummary) => s.groups.flatMap((g) => g.lanes);

describe("timeline summary", () => {
  it("draws a lane per session (or actor on a host), grouped by actor in order of their first move", async () => {
    const s = await summary("small");
    expect(s.totalLanes).toBe(4);
    expect(s.totalActors).toBe(4);
    expect(s.totalEvents).toBe(7);
    expect(s.groups.map((g) => g.actor)).toEqual(["alice@example.com", "bob@example.com", "mallory@example.com", "ci@example.com"]);
    const a = allLanes(s).find((l) => l.key === "s-a");
    expect(a).toMatchObject({ events: 3, host: "web-01", session: "s-a" });
    expect(a?.items.map((i) => i.type)).toEqual(["access.login", "change.file", "access.logout"]);
    expect(allLanes(s).find((l) => l.actor === "mallory@example.com")?.key).toBe("mallory@example.com@db-01");
    // 24 h in 15-minute buckets: 10:00 and 10:10 fall in bucket 40, 10:30 in bucket 42.
    expect(s.bucketMs).toBe(900_000);
    expect(s.bucketCount).toBe(96);
    expect(a?.buckets).toEqual([{ index: 40, events: 2, failures: 0, breakGlass: 0 }, { index: 42, events: 1, failures: 0, breakGlass: 0 }]);
    expect(s.axis.reduce((x, y) => x + y, 0)).toBe(7);
    expect(s.gaps.some((g) => g.minutes >= 300)).toBe(true);
    expect(s.pages).toBe(1);
    expect(s.busiest).toBeNull();
    await expect(buildTimelineSummary(viewerOf("viewer"), store, filters({ env: ["small"] }), { page: 1 })).rejects.toThrow(ForbiddenError);
  });

  it("pages lanes 50 at a time, every lane exactly once, and a page past the end shows the last", async () => {
    const pages = await Promise.all([1, 2, 3].map((p) => summary("paged", p)));
    expect(pages.map((p) => allLanes(p).length)).toEqual([LANES_PER_PAGE, LANES_PER_PAGE, 30]);
    const keys = pages.flatMap((p) => allLanes(p).map((l) => l.key));
    expect(new Set(keys).size).toBe(130);
    expect(pages[0]?.pages).toBe(3);
    expect(pages[1]?.groups[0]?.continued).toBe(true);
    const past = await summary("paged", 99);
    expect(past.page).toBe(3);
    expect(allLanes(past).map((l) => l.key)).toEqual(allLanes(pages[2] ?? past).map((l) => l.key));
    // More than one page of lanes: the page offers the busiest hour to narrow to (sessions start every 10 minutes from midnight).
    expect(pages[0]?.busiest).not.toBeNull();
  });

  it("aggregates a dense lane into buckets, carries only its first events, and counts a redelivered event once", async () => {
    const s = await summary("dense");
    const lane = allLanes(s)[0];
    expect(lane?.events).toBe(600);
    expect(lane?.items).toHaveLength(EVENTS_PER_LANE);
    expect(lane?.items.map((i) => i.what)).toEqual(["step 0", "step 1", "step 2", "step 3", "step 4"]);
    expect(lane?.buckets.reduce((n, b) => n + b.events, 0)).toBe(600);
    expect(s.totalEvents).toBe(600);
    const zoomed = await summary("dense", 1, { from: WINDOW.from, to: "2026-01-10T01:00:00.000Z" });
    expect(zoomed.bucketMs).toBe(30_000);
    expect(allLanes(zoomed)[0]?.events).toBe(30);
  });

  it("stays the same size whatever the window holds: 12,000 events carry less than the export's data", async () => {
    const full = await buildTimeline(analyst, store, filters({ env: ["big"] }));
    const fullBytes = Buffer.byteLength(JSON.stringify(full));
    const s = await summary("big");
    const bytes = Buffer.byteLength(JSON.stringify(s));
    expect(full.truncated).toBe(true);
    expect(fullBytes).toBeGreaterThan(1_000_000);
    expect(s.totalEvents).toBe(12_000);
    expect(s.totalLanes).toBe(600);
    expect(allLanes(s)).toHaveLength(LANES_PER_PAGE);
    expect(allLanes(s).flatMap((l) => l.items).length).toBeLessThanOrEqual(LANES_PER_PAGE * EVENTS_PER_LANE);
    expect(bytes).toBeLessThan(250_000);
  });
});

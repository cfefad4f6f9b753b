/**
 * The actor and host profiles read the summary and both breakdowns in one
 * query (GROUP BY GROUPING SETS). Here they are checked against the three
 * separate queries they replaced, run as written before: same counts
 * (redelivered rows planted, merges stopped), same order (events DESC, then
 * key, with ties), same LIMIT 50 per breakdown, same row shapes, under
 * filters, and the zero summary of a subject with no events in the window.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { AuditEvent } from "../../../schemas";
import { insertEvents } from "../../../store/events";
import { runCommand } from "../../../store/query";
import { openTestStore, type TestStore } from "../../../test/store";
import type { Filters } from "../filters/schema";
import { chTime, count } from "../queries/cells";
import { EVENT_WHERE, TOUCH_WHERE, toFilterParams } from "../queries/where";
import { actorProfile, hostProfile } from "./profiles";
import { at, filters, viewerOf } from "./fixtures.test-helpers";

const analyst = viewerOf("analyst");
let store: TestStore;

const CHANNELS = ["ssh", "sudo", "kubectl", "break-glass", "web-console"] as const;

/**
 * ana on 60 hosts and bob's team of 60 actors on web-01: more keys than the
 * LIMIT, with tied counts; sessions, failures, changes, break-glass; events
 * outside the window, in staging, and not touches (a commit, a view).
 */
function fixture(): AuditEvent[] {
  const out: AuditEvent[] = [];
  for (let i = 0; i < 180; i++) {
    const host = `h-${String(i % 60).padStart(2, "0")}`;
    const type = (["access.login", "change.file", "access.exec", "access.login_failed", "change.package", "access.grant"] as const)[i % 6];
    out.push(at(i * 7, {
      type,
      actor_id: "ana@example.com",
      host: i % 11 === 0 ? host : `h-${String((i * 7) % 60).padStart(2, "0")}`,
      channel: type === "access.grant" ? "break-glass" : CHANNELS[i % 4],
      session_id: i % 3 === 0 ? "" : `s-ana-${i % 13}`,
      ...(type === "access.login_failed" ? { outcome: "failure" } : {}),
      ...(i % 17 === 0 ? { env: "staging" } : {}),
    }));
  }
  for (let i = 0; i < 150; i++) {
    const type = (["access.login", "change.file", "change.k8s", "deploy.release", "access.exec"] as const)[i % 5];
    out.push(at(i * 9, {
      type,
      actor_id: `p-${String((i * 13) % 60).padStart(2, "0")}@example.com`,
      host: "web-01",
      session_id: i % 4 === 0 ? "" : `s-web-${i % 23}`,
      ...(type === "change.file" ? { path: `/etc/app/${i}.conf` } : {}),
    }));
  }
  out.push(at(-30, { actor_id: "ana@example.com", host: "web-01" })); // before the window
  out.push(at(24 * 60 + 5, { actor_id: "ana@example.com", host: "web-01" })); // after it
  out.push(at(300, { type: "codebase.commit", actor_id: "ana@example.com", host: "web-01" })); // not a touch
  out.push(at(310, { type: "audit.view", actor_id: "ana@example.com", host: "web-01" }));
  return out;
}

beforeAll(async () => {
  store = await openTestStore();
  await runCommand(store, `SYSTEM STOP MERGES ${store.tables.events}`, "test.stop_merges");
  const events = fixture();
  await insertEvents(store, events);
  await insertEvents(store, events.filter((_, i) => i % 5 === 0), "2026-01-12T00:00:00.000Z"); // redelivered, stored twice
}, 120_000);
afterAll(async () => store?.drop());

// The queries as they were before the profiles read their subject once.
const SUBJECT = { actor: "actor_id", host: "host" } as const;
const summaryRow = z.object({ events: count, sessions: count, hosts: count, actors: count, changes: count, failures: count, break_glass: count, first_at: chTime.nullable(), last_at: chTime.nullable() });
const breakdownRow = z.object({ key: z.string(), events: count, sessions: count, channels: z.array(z.string()), first_at: chTime, last_at: chTime });

async function rows<T extends z.ZodType>(schema: T, sql: string, params: Record<string, unknown>): Promise<Array<z.output<T>>> {
  const result = await store.client.query({ query: sql, query_params: params, format: "JSONEachRow" });
  return (await result.json<unknown>()).map((r) => schema.parse(r));
}

async function reference(subject: keyof typeof SUBJECT, value: string, f: Filters, by: readonly [string, string]) {
  const params = { ...toFilterParams(f), subject: value };
  const where = `${SUBJECT[subject]} = {subject:String} AND ${EVENT_WHERE} AND ${TOUCH_WHERE}`;
  const [summary] = await rows(summaryRow, `
    SELECT uniqExact(event_id) AS events, uniqExactIf(session_id, session_id != '') AS sessions, uniqExactIf(host, host != '') AS hosts,
      uniqExact(actor_id) AS actors, uniqExactIf(event_id, category = 'change') AS changes, uniqExactIf(event_id, outcome = 'failure') AS failures,
      uniqExactIf(event_id, break_glass OR channel = 'break-glass') AS break_glass,
      if(count() = 0, NULL, min(occurred_at)) AS first_at, if(count() = 0, NULL, max(occurred_at)) AS last_at
    FROM ${store.tables.events} WHERE ${where}`, params);
  const breakdown = (column: string) => rows(breakdownRow, `
    SELECT toString(${column}) AS key, uniqExact(event_id) AS events, uniqExactIf(session_id, session_id != '') AS sessions,
      arraySort(groupUniqArray(8)(channel)) AS channels, min(occurred_at) AS first_at, max(occurred_at) AS last_at
    FROM ${store.tables.events} WHERE ${where}
    GROUP BY key ORDER BY events DESC, key LIMIT 50`, params);
  return { summary: summary ?? null, a: await breakdown(by[0]), b: await breakdown(by[1]) };
}

const cases: Array<[string, Filters]> = [
  ["no filters", filters()],
  ["one env", filters({ env: ["prod"] })],
  ["two channels", filters({ channel: ["ssh", "sudo"] })],
  ["a type category", filters({ type: ["change.*"] })],
  ["a search", filters({ q: "s-ana-1" })],
  ["half the window", filters({ to: "2026-01-10T12:00:00.000Z" })],
];

describe("profiles read their subject once and give what the separate queries gave", () => {
  it("the planted duplicates are really in events", async () => {
    const [plain, distinct] = await Promise.all([
      rows(z.object({ n: count }), `SELECT count() AS n FROM ${store.tables.events}`, {}),
      rows(z.object({ n: count }), `SELECT count() AS n FROM ${store.tables.events} FINAL`, {}),
    ]);
    expect(plain[0]!.n).toBeGreaterThan(distinct[0]!.n);
  });

  it.each(cases)("actor profile, %s", async (_label, f) => {
    const [p, want] = await Promise.all([actorProfile(analyst, store, f, "ana@example.com"), reference("actor", "ana@example.com", f, ["channel", "host"])]);
    expect(p.summary).toEqual(want.summary);
    expect(p.channels).toEqual(want.a);
    expect(p.hosts).toEqual(want.b);
  });

  it.each(cases)("host profile, %s", async (_label, f) => {
    const [p, want] = await Promise.all([hostProfile(analyst, store, f, "web-01"), reference("host", "web-01", f, ["actor_id", "channel"])]);
    expect(p.summary).toEqual(want.summary);
    expect(p.actors).toEqual(want.a);
    expect(p.channels).toEqual(want.b);
  });

  it("the fixture reaches the LIMIT with ties, and counts each redelivered event once", async () => {
    const p = await actorProfile(analyst, store, filters(), "ana@example.com");
    expect(p.hosts).toHaveLength(50);
    expect(new Set(p.hosts.map((h) => h.events)).size).toBeLessThan(p.hosts.length);
    expect(p.summary?.events).toBe(180); // every one of ana's touches in the window, 36 of them stored twice
    const h = await hostProfile(analyst, store, filters(), "web-01");
    expect(h.actors).toHaveLength(50);
  });

  it("a subject with no events: the zero summary, empty breakdowns", async () => {
    const p = await actorProfile(analyst, store, filters(), "nobody@example.com");
    const want = await reference("actor", "nobody@example.com", filters(), ["channel", "host"]);
    expect(p.summary).toEqual(want.summary);
    expect(p.summary).toEqual({ events: 0, sessions: 0, hosts: 0, actors: 0, changes: 0, failures: 0, break_glass: 0, first_at: null, last_at: null });
    expect(p.channels).toEqual([]);
    expect(p.hosts).toEqual([]);
    const h = await hostProfile(analyst, store, filters(), "no-such-host");
    expect(h.summary).toEqual(want.summary);
    expect(h.actors).toEqual([]);
    expect(h.channels).toEqual([]);
    expect(h.changes).toEqual([]);
  });
});

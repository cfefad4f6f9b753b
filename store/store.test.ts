import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { openTestStore, type TestStore } from "../test/store";
import { makeEvent, makeEvents } from "../test/factories/events";
import { EVENT_TYPES } from "../schemas";
import { countEventsQuery, countsByCategoryChannelQuery, eventsByIdQuery, insertEvents } from "./events";
import { defineQuery, insertRows } from "./query";
import { toEventRow } from "./event-rows";
import { loadMigrations, migrate, splitStatements } from "./migrate";
import { StoreError } from "./errors";

let store: TestStore;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(async () => {
  await store.drop();
});

const tablesQuery = defineQuery({
  name: "test.tables",
  params: z.object({ db: z.string() }),
  row: z.object({ name: z.string() }),
  sql: () => "SELECT name FROM system.tables WHERE database = {db:String} ORDER BY name",
});

describe("migrations", () => {
  it("creates every table and view", async () => {
    const names = (await tablesQuery(store, { db: store.database })).map((r) => r.name);
    expect(names).toEqual(
      expect.arrayContaining(["events", "events_daily", "events_daily_mv", "code_blobs", "code_blobs_mv", "drift", "findings", "dead_letters", "schema_migrations"]),
    );
  });

  it("applied twice is a no-op", async () => {
    const before = (await tablesQuery(store, { db: store.database })).map((r) => r.name);
    const again = await migrate(store);
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toBe(loadMigrations().length);
    expect((await tablesQuery(store, { db: store.database })).map((r) => r.name)).toEqual(before);
  });

  it("refuses an applied migration whose file changed", async () => {
    const edited = loadMigrations().map((m, i) => (i === 0 ? { ...m, checksum: "edited" } : m));
    await expect(migrate(store, edited)).rejects.toThrow(/was changed after it was applied/);
  });

  it("splits statements and drops comment lines", () => {
    expect(splitStatements("-- a; comment\nCREATE A;\n\nCREATE B;\n")).toEqual(["CREATE A", "CREATE B"]);
  });
});

describe("events in the embedded store", () => {
  it.each(EVENT_TYPES)("reads back a %s event exactly as written", async (type) => {
    const event = makeEvent({ type, labels: { demo: "false" }, session_id: "s-1", attribution_confidence: 0.7 });
    await insertEvents(store, [event]);
    const [back] = await eventsByIdQuery(store, { ids: [event.event_id] });
    expect(back).toBeDefined();
    const { received_at, ...rest } = back!;
    expect(received_at).toMatch(/Z$/);
    expect(rest).toEqual(event);
  });

  it("drops a retried batch by its content token and still counts each event once", async () => {
    const events = makeEvents(50, { env: "dedup" });
    await insertEvents(store, events);
    await insertEvents(store, events);
    // A batch cut differently gets past the token; the count must still see each id once.
    await insertEvents(store, events.slice(0, 10));
    const [counts] = await countEventsQuery(store, {});
    const rows = await store.client.query({
      query: `SELECT count() AS c FROM ${store.tables.events} WHERE env = 'dedup'`,
      format: "JSONEachRow",
    });
    const [raw] = z.array(z.object({ c: z.coerce.number() })).parse(await rows.json());
    expect(raw?.c).toBe(60);
    const ids = await eventsByIdQuery(store, { ids: events.map((e) => e.event_id) });
    expect(ids).toHaveLength(50);
    expect(counts?.events).toBeGreaterThanOrEqual(50);
  });

  it("counts by category and channel for a time range", async () => {
    const now = Date.now();
    const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000).toISOString();
    await insertEvents(store, [
      makeEvent({ env: "range", channel: "ssh", occurred_at: at(10) }),
      makeEvent({ env: "range", channel: "ssh", occurred_at: at(20) }),
      makeEvent({ env: "range", type: "access.privilege", channel: "sudo", occurred_at: at(30) }),
      makeEvent({ env: "range", type: "change.file", channel: "sudo", occurred_at: at(40) }),
      makeEvent({ env: "range", channel: "ssh", occurred_at: at(60 * 25) }),
    ]);
    const rows = await countsByCategoryChannelQuery(store, { from: at(60 * 24), to: at(0), env: "range" });
    expect(rows).toEqual([
      { category: "access", channel: "ssh", events: 2 },
      { category: "access", channel: "sudo", events: 1 },
      { category: "change", channel: "sudo", events: 1 },
    ]);
  });

  it("fills code_blobs from codebase.commit events", async () => {
    const blob = "c".repeat(40);
    await insertEvents(store, [makeEvent({ type: "codebase.commit", repo: "infra-blobs", files: [{ path: "a.conf", blob }, { path: "gone.conf", blob: "" }] })]);
    const result = await store.client.query({
      query: `SELECT path, blob FROM ${store.tables.code_blobs} WHERE repo = 'infra-blobs'`,
      format: "JSONEachRow",
    });
    expect(await result.json()).toEqual([{ path: "a.conf", blob }]);
  });

  it("rolls events up per day, once per event", async () => {
    const events = makeEvents(5, { env: "rollup", channel: "kubectl", type: "access.exec" });
    await insertEvents(store, events);
    await insertEvents(store, events.slice(0, 2));
    const result = await store.client.query({
      query: `SELECT uniqExactMerge(events) AS n FROM ${store.tables.events_daily} WHERE env = 'rollup'`,
      format: "JSONEachRow",
    });
    expect(z.array(z.object({ n: z.coerce.number() })).parse(await result.json())).toEqual([{ n: 5 }]);
  });

  it("rejects bad parameters and unknown columns with a typed error naming the query", async () => {
    await expect(countsByCategoryChannelQuery(store, { from: 5 as unknown as string, to: "x" })).rejects.toThrow(StoreError);
    await expect(insertRows(store, { table: "findings", rows: [{ nope: 1 }] })).rejects.toThrow(/findings/);
  });
});

describe("settings live for one call only", () => {
  it("stores an insert without a token after one with a token, and an INSERT … SELECT after both", async () => {
    // The embedded engine kept the first call's insert_deduplication_token for
    // the next ones, which then were dropped silently as repeats.
    const first = makeEvent({ env: "sticky" });
    await insertEvents(store, [first]);
    const second = makeEvent({ env: "sticky" });
    await store.client.insert({
      table: store.tables.events,
      values: [{ ...toEventRow(second, new Date().toISOString()) }],
      format: "JSONEachRow",
      clickhouse_settings: { date_time_input_format: "best_effort" },
    });
    await store.client.command({
      query: `INSERT INTO ${store.tables.events} (event_id, env, occurred_at) SELECT concat('sticky-', toString(number)), 'sticky', now64(3) FROM numbers(1)`,
    });
    const result = await store.client.query({
      query: `SELECT count() AS n FROM ${store.tables.events} WHERE env = 'sticky'`,
      format: "JSONEachRow",
    });
    expect(z.array(z.object({ n: z.coerce.number() })).parse(await result.json())).toEqual([{ n: 3 }]);
  });
});

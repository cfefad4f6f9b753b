import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { makeEvent, makeEvents } from "../test/factories/events";
import { openTestStore, type TestStore } from "../test/store";
import { eventsByIdQuery, insertEvents } from "./events";
import { toEventRow } from "./event-rows";
import { writeEventsOnce } from "./first-write";
import { loadMigrations, migrate } from "./migrate";
import { runCommand } from "./query";
import { partitionChunks } from "./partition-chunks";

/**
 * The store side of "the first stored version wins": migration 0011 on a
 * store that already holds events (written the way 0001..0010 stored them),
 * a crash-and-rerun of it, and the write path's order of writes.
 */
const stores: TestStore[] = [];
afterAll(async () => {
  await Promise.all(stores.map((s) => s.drop()));
});

async function storeAt(version: number): Promise<TestStore> {
  const s = await openTestStore({ migrate: false });
  stores.push(s);
  await migrate(s, loadMigrations().slice(0, version));
  return s;
}

const scalar = async (s: TestStore, sql: string): Promise<string> => {
  const result = await s.client.query({ query: sql, format: "JSONEachRow" });
  const [row] = z.array(z.object({ v: z.coerce.string() })).parse(await result.json());
  return row?.v ?? "";
};

describe("migration 0011 on a store with events", () => {
  it("keeps every event, indexes them, keeps the rollups fed, and survives a rerun after the exchange", async () => {
    const s = await storeAt(10);
    const legacy = makeEvents(25, { env: "legacy", attribution_confidence: 0.1234567 });
    // As 0001 stored them: no ver column yet.
    await s.client.insert({ table: s.tables.events, values: legacy.map((e) => toEventRow(e, new Date().toISOString())), format: "JSONEachRow", clickhouse_settings: { date_time_input_format: "best_effort" } });
    await migrate(s);
    expect(await scalar(s, `SELECT engine_full AS v FROM system.tables WHERE database = '${s.database}' AND name = 'events'`)).toContain("ReplacingMergeTree(ver)");
    expect(await scalar(s, `SELECT count() AS v FROM system.tables WHERE database = '${s.database}' AND name = 'events_0011_staging'`)).toBe("0");
    expect((await eventsByIdQuery(s, { ids: legacy.map((e) => e.event_id) })).length).toBe(25);
    expect(await scalar(s, `SELECT count() AS v FROM ${s.tables.event_ids}`)).toBe("25");

    // A crash after the exchange, before the migration was recorded: every statement runs again.
    const m11 = loadMigrations().find((m) => m.version === 11);
    for (const [i, statement] of (m11?.statements ?? []).entries()) await runCommand(s, statement.replaceAll("{{database}}", s.database), `rerun 0011 #${i}`);
    expect(await scalar(s, `SELECT engine_full AS v FROM system.tables WHERE database = '${s.database}' AND name = 'events'`)).toContain("ReplacingMergeTree(ver)");
    expect(await scalar(s, `SELECT uniqExact(event_id) AS v FROM ${s.tables.events}`)).toBe("25");

    // Legacy events have no hash in the index: the writer hashes the stored event (Float32 confidence and all).
    const [first] = legacy;
    if (!first) throw new Error("factory");
    const again = await writeEventsOnce(s, [first, { ...first, actor_id: "mallory@example.com" }, makeEvent({ env: "legacy" })]);
    expect(again.duplicates).toEqual([0]);
    expect(again.conflicts.map((c) => c.index)).toEqual([1]);
    expect(again.stored).toHaveLength(1);
    // The materialized views follow the table through the exchange: 25 rolled up before, 1 after.
    expect(await scalar(s, `SELECT uniqExactMerge(events) AS v FROM ${s.tables.events_daily} WHERE env = 'legacy'`)).toBe("26");
  });
});

describe("the write path", () => {
  it("writes the events rows before their index rows, so a crash between them loses nothing", async () => {
    const s = await storeAt(99);
    const events = makeEvents(4);
    await insertEvents(s, events);
    // Simulate the crash: the events rows are there, the index rows are not.
    await s.client.command({ query: `TRUNCATE TABLE ${s.tables.event_ids}` });
    const redelivered = await writeEventsOnce(s, events);
    expect(redelivered.stored).toHaveLength(4);
    await s.client.command({ query: `OPTIMIZE TABLE ${s.tables.events} FINAL` });
    expect(await scalar(s, `SELECT count() AS v FROM ${s.tables.events}`)).toBe("4");
    expect((await writeEventsOnce(s, events)).duplicates).toEqual([0, 1, 2, 3]);
  });

  it("cuts an insert at 100 partitions, keeping order", () => {
    const months = Array.from({ length: 250 }, (_, i) => `m${i % 210}`);
    const chunks = partitionChunks(months, (m) => m);
    expect(chunks.flat()).toEqual(months.map((_, i) => i));
    for (const chunk of chunks) expect(new Set(chunk.map((i) => months[i])).size).toBeLessThanOrEqual(100);
  });
});

import { existsSync, readdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { makeEvents } from "../test/factories/events";
import { openTestStore, type TestStore } from "../test/store";
import { insertPreparedEvents } from "./events";
import { prepareEvents } from "./event-lines";
import { StoreError } from "./errors";
import { defaultTransport, insertFilesDir, insertJsonLines, type InsertTransport } from "./insert-transport";

/**
 * Every transport must behave as the client's insert() did: the rows land
 * once per token, the materialized views on `events` are fed (events_daily,
 * and whatever migrations add later), nothing is left behind, and a row the
 * table cannot take is refused loudly. "request-body" is the server path;
 * the embedded engine runs it too (as SQL text), so it is checked here.
 */
const TRANSPORTS: InsertTransport[] = ["file", "request-body", "chdb-buffer"];
// test/store.ts opens a server when CLICKHOUSE_URL is set: the embedded transports need the engine in this process.
const embedded = !process.env.CLICKHOUSE_URL;
const runs = (transport: InsertTransport) => transport === "request-body" || embedded;

const stores: TestStore[] = [];
let shared: TestStore;
beforeAll(async () => {
  shared = await openTestStore();
  stores.push(shared);
});
afterAll(async () => {
  await Promise.all(stores.map((s) => s.drop()));
});

async function fresh(): Promise<TestStore> {
  const s = await openTestStore();
  stores.push(s);
  return s;
}

const scalar = async (s: TestStore, sql: string): Promise<number> => {
  const result = await s.client.query({ query: sql, format: "JSONEachRow" });
  const [row] = z.array(z.object({ v: z.coerce.number() })).parse(await result.json());
  return row?.v ?? Number.NaN;
};

describe("the default transport", () => {
  it("is the file the engine reads itself when embedded, the request body for a server", () => {
    expect(defaultTransport(shared)).toBe(embedded ? "file" : "request-body");
  });
});

describe.each(TRANSPORTS)("insert transport %s", (transport) => {
  it.skipIf(!runs(transport))("stores the rows once per token and feeds the rollup views", async () => {
    const s = await fresh();
    const prepared = prepareEvents(makeEvents(30, { env: "transport" }));
    const receivedAt = new Date().toISOString();
    await insertPreparedEvents(s, prepared, receivedAt, transport);
    // A retried batch: same rows, same token, dropped by the engine.
    await insertPreparedEvents(s, prepared, receivedAt, transport);
    expect(await scalar(s, `SELECT count() AS v FROM ${s.tables.events}`)).toBe(30);
    expect(await scalar(s, `SELECT count() AS v FROM ${s.tables.event_ids}`)).toBe(30);
    expect(await scalar(s, `SELECT uniqExactMerge(events) AS v FROM ${s.tables.events_daily} WHERE env = 'transport'`)).toBe(30);

    // Without a token the same lines are stored again: the token is what dropped the retry.
    const lines = `{"event_id":"no-token","schema_version":1,"type":"access.login","category":"access","occurred_at":"${receivedAt}","env":"transport","host":"h","actor_id":"a"}\n`;
    await insertJsonLines(s, { table: "events", lines, rows: 1 }, transport);
    await insertJsonLines(s, { table: "events", lines, rows: 1 }, transport);
    expect(await scalar(s, `SELECT count() AS v FROM ${s.tables.events} WHERE event_id = 'no-token'`)).toBe(2);
  });

  it.skipIf(!runs(transport))("refuses a field the table lacks, naming the table, and stores nothing", async () => {
    const lines = '{"event_id":"x","no_such_column":1}\n';
    const refused = insertJsonLines(shared, { table: "events", lines, rows: 1 }, transport);
    await expect(refused).rejects.toThrow(StoreError);
    await expect(refused).rejects.toThrow(/insert of 1 rows into events failed: .*no_such_column/s);
    expect(await scalar(shared, `SELECT count() AS v FROM ${shared.tables.events} WHERE event_id = 'x'`)).toBe(0);
  });
});

describe.skipIf(!embedded)("the file transport", () => {
  it("leaves no file behind, after a stored insert or a refused one", async () => {
    const dir = insertFilesDir(shared.dataPath ?? "");
    await insertPreparedEvents(shared, prepareEvents(makeEvents(3)), new Date().toISOString(), "file");
    await expect(insertJsonLines(shared, { table: "events", lines: "{not json\n", rows: 1 }, "file")).rejects.toThrow(StoreError);
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
  });

  it("does not pass a token on to the next insert of the session", async () => {
    const s = await fresh();
    const receivedAt = new Date().toISOString();
    await insertPreparedEvents(s, prepareEvents(makeEvents(2)), receivedAt, "file");
    const line = (id: string) => `{"event_id":"${id}","occurred_at":"${receivedAt}","env":"e","host":"h"}\n`;
    await insertJsonLines(s, { table: "events", lines: line("after-1"), rows: 1 });
    await insertJsonLines(s, { table: "events", lines: line("after-2"), rows: 1 });
    expect(await scalar(s, `SELECT count() AS v FROM ${s.tables.events}`)).toBe(4);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { EVENT_TYPES, eventSchema } from "../schemas";
import { makeEvent } from "../test/factories/events";
import { openTestStore, type TestStore } from "../test/store";
import { eventsByIdQuery, insertEvents } from "./events";
import { toEventRow } from "./event-rows";
import { versionOf } from "./event-index";
import { insertRows } from "./query";

/**
 * The write path sends each event's stored JSON as its row (store/event-lines.ts)
 * instead of toEventRow's 60-column object. The table must end up holding
 * the same row either way, for every event type, optional fields and all.
 */
let viaLines: TestStore;
let viaRows: TestStore;
beforeAll(async () => {
  [viaLines, viaRows] = await Promise.all([openTestStore(), openTestStore()]);
});
afterAll(async () => {
  await Promise.all([viaLines.drop(), viaRows.drop()]);
});

const rowsOf = async (s: TestStore, id: string) => {
  const result = await s.client.query({
    query: `SELECT * FROM ${s.tables.events} WHERE event_id = {id:String}`,
    query_params: { id },
    format: "JSONEachRow",
  });
  return z.array(z.record(z.string(), z.unknown())).parse(await result.json());
};

const withOptionals = (type: (typeof EVENT_TYPES)[number]) =>
  makeEvent({
    type,
    labels: { demo: "true", "team/x": "a\"b" },
    session_id: "s-1",
    effective_user: "root",
    source_ip: "10.0.0.7",
    command: "sudo -i\nexit",
    raw: "line with \t tab",
    // Float32 holds 0.75 exactly, so the raw column compares equal whichever form went in.
    attribution_confidence: 0.75,
    seq: 42,
    prev_hash: "c".repeat(64),
    ...(type === "change.file" ? { size: 1234, diff_added: 3, diff_removed: 1, before_hash: "d".repeat(40), mode: "0644" } : {}),
    ...(type === "codebase.commit" ? { parents: ["e".repeat(40)], snapshot: true, branch: "main" } : {}),
  });

describe("events rows from the stored JSON", () => {
  it.each(EVENT_TYPES)("stores a %s event as the same row toEventRow writes", async (type) => {
    const event = withOptionals(type);
    const receivedAt = "2026-11-22T08:01:02.345Z";
    await insertEvents(viaLines, [event], receivedAt);
    await insertRows(viaRows, { table: "events", rows: [{ ...toEventRow(event, receivedAt), ver: versionOf(receivedAt) }] });
    const [lines] = await rowsOf(viaLines, event.event_id);
    const [rows] = await rowsOf(viaRows, event.event_id);
    expect(lines).toBeDefined();
    expect(lines).toEqual(rows);
  });

  it("keeps a 7-decimal confidence as the one value the column reads back", async () => {
    const event = makeEvent({ attribution_confidence: 0.1234567 });
    await insertEvents(viaLines, [event]);
    const [back] = await eventsByIdQuery(viaLines, { ids: [event.event_id] });
    expect(back?.attribution_confidence).toBe(0.123457);
  });

  it("has a column for every field any event type may carry (an unknown field would refuse the insert)", async () => {
    const result = await viaLines.client.query({
      query: "SELECT name FROM system.columns WHERE database = {db:String} AND table = 'events'",
      query_params: { db: viaLines.database },
      format: "JSONEachRow",
    });
    const columns = new Set(z.array(z.object({ name: z.string() })).parse(await result.json()).map((c) => c.name));
    const fields = new Set(eventSchema.options.flatMap((member) => Object.keys(member.shape)));
    expect(fields.size).toBeGreaterThan(40);
    expect([...fields].filter((f) => !columns.has(f))).toEqual([]);
  });
});

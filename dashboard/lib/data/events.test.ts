import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuditEvent } from "../../../schemas";
import { countEventsQuery, insertEvents } from "../../../store/events";
import { openTestStore, type TestStore } from "../../../test/store";
import { ForbiddenError } from "../auth/permissions";
import { countEvents, decodeCursor, encodeCursor, exportEvents, getEventDetail, listEvents, BadCursorError } from "./events";
import { eventExportStream } from "./export-stream";
import { parseCsv } from "./export-format";
import { at, filters, viewerOf } from "./fixtures.test-helpers";

let store: TestStore;
const analyst = viewerOf("analyst");
const viewer = viewerOf("viewer");
let all: AuditEvent[];

beforeAll(async () => {
  store = await openTestStore();
  // 250 events; several share a timestamp so the cursor's event_id tie-break matters.
  all = Array.from({ length: 250 }, (_, i) =>
    at(Math.floor(i / 3), {
      host: i % 2 === 0 ? "web-01" : "db-01",
      actor_id: i % 5 === 0 ? "bob@example.com" : "alice@example.com",
      channel: i % 7 === 0 ? "sudo" : "ssh",
      session_id: `sess-${i % 4}`,
      type: i % 10 === 0 ? "change.file" : "access.exec",
      command: i === 42 ? '=HYPERLINK("http://evil")' : `cmd ${i}, "quoted"`,
    }),
  );
  await insertEvents(store, all);
  // A redelivered event in a differently cut batch: stored twice until a merge.
  await insertEvents(store, [all[7]!, all[8]!].filter(Boolean));
  await insertEvents(store, [all[7]!]);
}, 120_000);
afterAll(async () => store?.drop());

async function pageThrough(f = filters(), limit = 37) {
  const ids: string[] = [];
  let after = null;
  for (let guard = 0; guard < 100; guard++) {
    const page = await listEvents(analyst, store, f, { after, limit });
    ids.push(...page.rows.map((r) => r.event_id));
    if (!page.next) break;
    after = decodeCursor(encodeCursor(page.next));
  }
  return ids;
}

describe("events data layer", () => {
  it("pages with a keyset cursor: every event once, no duplicates, no holes, newest first", async () => {
    // The planted duplicates are really there: the table holds more rows than events.
    const [stored] = await countEventsQuery(store, {});
    expect(stored!.rows).toBeGreaterThan(stored!.events);
    const ids = await pageThrough();
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(all.map((e) => e.event_id).sort());
    const first = await listEvents(analyst, store, filters(), { limit: 5 });
    const times = first.rows.map((r) => r.occurred_at);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it("filters change the rows", async () => {
    const web = await pageThrough(filters({ host: ["web-01"] }));
    expect(web).toHaveLength(125);
    const bobSudo = await pageThrough(filters({ actor: ["bob@example.com"], channel: ["sudo"] }));
    expect(bobSudo.sort()).toEqual(all.filter((e) => e.actor_id === "bob@example.com" && e.channel === "sudo").map((e) => e.event_id).sort());
    expect(await pageThrough(filters({ type: ["change.*"] }))).toHaveLength(25);
    expect(await pageThrough(filters({ q: "HYPERLINK" }))).toEqual([all[42]!.event_id]);
    expect(await countEvents(analyst, store, filters({ host: ["db-01"] }))).toBe(125);
    expect(await countEvents(analyst, store, filters())).toBe(250);
  });

  it("refuses a cursor it did not make", () => {
    expect(() => decodeCursor("bm90LWpzb24")).toThrow(BadCursorError);
  });

  it("exports exactly the rows of the table, in the same order, as CSV and JSON", async () => {
    const f = filters({ host: ["web-01"] });
    const table = await pageThrough(f, 100);
    const read = async (format: "csv" | "json") => new Response(eventExportStream(exportEvents(analyst, store, f, 40), format, (e) => { throw e; })).text();
    const csv = parseCsv(await read("csv"));
    expect(csv[0]?.[0]).toBe("event_id");
    expect(csv.slice(1).map((r) => r[0])).toEqual(table);
    const json: unknown = JSON.parse(await read("json"));
    expect(Array.isArray(json) && json.map((e: { event_id: string }) => e.event_id)).toEqual(table);
    const hostile = (await read("csv")).split("\r\n").find((l) => l.includes("HYPERLINK"));
    expect(hostile).toContain(`"'=HYPERLINK(""http://evil"")"`);
  });

  it("shows an event with its session and what happened around it", async () => {
    const target = all[100]!;
    const detail = await getEventDetail(analyst, store, target.event_id);
    expect(detail?.event.event_id).toBe(target.event_id);
    expect(detail?.session.every((r) => r.session_id === target.session_id)).toBe(true);
    expect(detail?.session.length).toBe(all.filter((e) => e.session_id === target.session_id).length);
    expect(detail?.around.map((r) => r.event_id)).toContain(target.event_id);
    expect(await getEventDetail(analyst, store, "no-such-event")).toBeNull();
  });

  it("keeps events, details and exports from the viewer role", async () => {
    await expect(listEvents(viewer, store, filters())).rejects.toThrow(ForbiddenError);
    await expect(getEventDetail(viewer, store, all[0]!.event_id)).rejects.toThrow(ForbiddenError);
    await expect(exportEvents(viewer, store, filters()).next()).rejects.toThrow(ForbiddenError);
    expect(await countEvents(viewer, store, filters())).toBe(250);
  });
});

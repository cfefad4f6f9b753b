import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { BATCH_LIMITS } from "../../schemas";
import { eventsByIdQuery } from "../../store/events";
import { defineQuery } from "../../store/query";
import { openTestStore, type TestStore } from "../../test/store";
import { makeEvent, makeEvents } from "../../test/factories/events";
import { startServe, type RunningServe } from "../../server/serve";
import { postBatch, storedIds, testConfig as config, testLog as log } from "./testing";

/**
 * The gateway as collectors meet it: the real `prodtrail serve` listener
 * (without Next) on an ephemeral loopback port, over the real embedded
 * engine. Every test posts its own freshly made events and looks them up by id.
 */
let store: TestStore;
let serve: RunningServe;

beforeAll(async () => {
  store = await openTestStore();
  serve = await startServe({ config, log, store, dashboard: false });
});
afterAll(async () => {
  await serve?.close();
  await store?.drop();
});

const post = (body: string, contentType?: string) => postBatch(serve.url, body, contentType);

/** Raw rows, without FINAL: a duplicate insert would show here before any merge. */
const rowCountQuery = defineQuery({
  name: "test.gateway.row_count",
  params: z.object({ ids: z.array(z.string()) }),
  row: z.object({ rows: z.coerce.number() }),
  sql: (t) => `SELECT count() AS rows FROM ${t.events} WHERE event_id IN {ids:Array(String)}`,
});

const errorBody = z.object({ error: z.string() }).loose();

describe("POST /api/v1/events", () => {
  it("stores a valid batch before answering 200 {accepted}", async () => {
    const events = makeEvents(3);
    const res = await post(JSON.stringify({ events }));
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({ accepted: 3 });
    // No wait, no retry: the 200 means the rows are already readable.
    const stored = await eventsByIdQuery(store, { ids: events.map((e) => e.event_id) });
    expect(stored.map((e) => e.event_id).sort()).toEqual(events.map((e) => e.event_id).sort());
    expect(stored.every((e) => typeof e.received_at === "string")).toBe(true);
  });

  it("stores a retried batch once (content deduplication token)", async () => {
    const events = makeEvents(3);
    const body = JSON.stringify({ events });
    expect((await post(body)).status).toBe(200);
    expect((await post(body)).status).toBe(200);
    const [row] = await rowCountQuery(store, { ids: events.map((e) => e.event_id) });
    expect(row?.rows).toBe(3);
  });

  it("rejects a batch with one bad event with 400 naming the field, and stores none of it", async () => {
    const good = [makeEvent(), makeEvent()];
    const bad = { ...makeEvent(), occurred_at: "yesterday" };
    const res = await post(JSON.stringify({ events: [good[0], bad, good[1]] }));
    expect(res.status).toBe(400);
    const body = z
      .object({
        error: z.string(),
        rejected: z.array(z.object({ index: z.number(), event_id: z.string().optional(), issues: z.array(z.object({ field: z.string(), message: z.string() })) })),
      })
      .parse(await res.json());
    expect(body.rejected).toHaveLength(1);
    expect(body.rejected[0]?.index).toBe(1);
    expect(body.rejected[0]?.event_id).toBe(bad.event_id);
    expect(body.rejected[0]?.issues.map((i) => i.field)).toEqual(["events[1].occurred_at"]);
    expect(body.error).toContain("events[1].occurred_at");
    // All or nothing: the two good events of that batch are absent too.
    expect(await storedIds(store, [...good, bad])).toEqual([]);
  });

  it("answers 413 to a body just over the limit, stores nothing, and keeps serving", async () => {
    const event = makeEvent();
    const head = JSON.stringify({ events: [event] }).slice(0, -1);
    const padding = BATCH_LIMITS.maxBodyBytes + 1 - Buffer.byteLength(head) - `,"pad":""}`.length;
    const body = `${head},"pad":"${"x".repeat(padding)}"}`;
    expect(Buffer.byteLength(body)).toBe(BATCH_LIMITS.maxBodyBytes + 1);
    const res = await post(body);
    expect(res.status).toBe(413);
    const parsed = errorBody.parse(await res.json());
    expect(parsed.error).toContain(String(BATCH_LIMITS.maxBodyBytes));
    expect(await storedIds(store, [event])).toEqual([]);
    expect((await fetch(`${serve.url}/api/health`)).status).toBe(200);
    const after = makeEvents(1);
    expect((await post(JSON.stringify({ events: after }))).status).toBe(200);
    expect(await storedIds(store, after)).toEqual([after[0]?.event_id]);
  });

  it("answers 413 to a chunked body without Content-Length once it passes the limit", async () => {
    const event = makeEvent();
    const chunk = new Uint8Array(1024 * 1024).fill(0x20);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(new TextEncoder().encode(JSON.stringify({ events: [event] }).slice(0, -1) + ',"pad":"'));
        if (sent > BATCH_LIMITS.maxBodyBytes + 2 * chunk.length) {
          controller.enqueue(new TextEncoder().encode('"}'));
          controller.close();
          return;
        }
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    // undici needs duplex "half" to send a stream; the DOM RequestInit type does not know it yet.
    const init: RequestInit & { duplex: "half" } = { method: "POST", headers: { "content-type": "application/json" }, body: stream, duplex: "half" };
    const res = await fetch(`${serve.url}/api/v1/events`, init);
    expect(res.status).toBe(413);
    expect(await storedIds(store, [event])).toEqual([]);
  });

  it("answers 415 to a body that is not declared JSON", async () => {
    const events = makeEvents(1);
    const res = await post(JSON.stringify({ events }), "text/plain");
    expect(res.status).toBe(415);
    expect(errorBody.parse(await res.json()).error).toContain("application/json");
    expect(await storedIds(store, events)).toEqual([]);
  });

  it("answers 400 naming the position of invalid JSON", async () => {
    const res = await post('{"events": [1,}');
    expect(res.status).toBe(400);
    const body = z.object({ error: z.string(), position: z.number(), line: z.number(), column: z.number() }).parse(await res.json());
    expect(body.position).toBe(14); // the "}" after "[1,"
    expect(body.error).toContain("position 14");
  });

  it("answers 400 to a body that is not a batch object", async () => {
    const res = await post("[]");
    expect(res.status).toBe(400);
    expect(errorBody.parse(await res.json()).error).toContain("(root)");
  });

  it("refuses other methods with 405", async () => {
    const res = await fetch(`${serve.url}/api/v1/events`);
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
  });
});

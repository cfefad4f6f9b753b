import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configSchema } from "../../config/schema";
import type { AuditEvent } from "../../schemas";
import { startServe, type RunningServe } from "../../server/serve";
import { eventsByIdQuery } from "../../store/events";
import { makeEvent, makeEvents } from "../../test/factories/events";
import { openTestStore, type TestStore } from "../../test/store";
import { HttpSink } from "../sinks/http-sink";
import { createShipper, Spool } from "../spool";
import { decodeEvent, encodeRecord } from "./codec";
import { publishWithRejects, setAsideUndecodable } from "./rejected";
import { quiet, tempDir, waitFor } from "./testing";

/**
 * Issue #9 classes 1 and 5 as a collector meets them: the real gateway over
 * the real engine, a real spool shipped by the real shipper through the
 * HttpSink, refusals handled as the agent wires them (publishWithRejects).
 * A final refusal (409 conflict, 413 for one event, 400) files the event in
 * the rejected-events file and the stream moves on; nothing else is lost.
 */
let store: TestStore;
let serve: RunningServe;
beforeAll(async () => {
  store = await openTestStore();
  serve = await startServe({ config: configSchema.parse({ server: { host: "127.0.0.1", port: 0 } }), log: quiet, store, dashboard: false });
});
afterAll(async () => {
  await serve?.close();
  await store?.drop();
});

async function rejectedIds(dir: string): Promise<string[]> {
  const files = await readdir(dir).catch(() => []);
  const ids: string[] = [];
  for (const f of files) {
    for (const line of (await readFile(join(dir, f), "utf8")).split("\n").filter(Boolean)) {
      const parsed: unknown = JSON.parse(line);
      const event: unknown = typeof parsed === "object" && parsed !== null ? Reflect.get(parsed, "event") : undefined;
      const id: unknown = typeof event === "object" && event !== null ? Reflect.get(event, "event_id") : undefined;
      ids.push(String(id));
    }
  }
  return ids.sort();
}

const storedIds = async (events: readonly AuditEvent[]) => (await eventsByIdQuery(store, { ids: events.map((e) => e.event_id) })).map((e) => e.event_id).sort();

/** Spools `events`, ships them until the spool is acked to the end, returns the rejected dir. */
async function ship(label: string, events: readonly AuditEvent[], url = serve.url): Promise<{ rejected: string; spool: Spool; stop: () => Promise<void> }> {
  const dir = await tempDir(label);
  const rejected = join(dir, "rejected");
  const spool = await Spool.open({ dir: join(dir, "spool") }, { log: quiet });
  await spool.append(events.map((e) => encodeRecord(e)));
  const shipper = createShipper({
    spool,
    decode: decodeEvent,
    setAside: setAsideUndecodable(rejected, quiet),
    publish: publishWithRejects(new HttpSink({ url }), rejected, quiet),
    log: quiet,
    backoff: { initialMs: 20, maxMs: 100 },
    maxBatchRecords: 200,
  });
  const running = shipper.start();
  running.catch(() => undefined);
  await waitFor("the spool acked to the end", () => (shipper.stats().ackedSeq >= events.length ? true : undefined), 20_000);
  return {
    rejected,
    spool,
    stop: async () => {
      await shipper.stop();
      await running;
      await spool.close();
    },
  };
}

describe("a collector is never stuck behind one event", () => {
  it("files a copy the gateway refuses with 409 (conflict) and ships the rest of the stream", async () => {
    const original = makeEvent({ host: "web-01" });
    await new HttpSink({ url: serve.url }).publish([original]);
    const before = makeEvents(3);
    const after = makeEvents(3);
    const forged = { ...original, command: "unset HISTFILE" };
    const run = await ship("conflict", [...before, forged, ...after]);
    await run.stop();
    expect(await rejectedIds(run.rejected)).toEqual([original.event_id]);
    expect(await storedIds([...before, ...after])).toEqual([...before, ...after].map((e) => e.event_id).sort());
    const [kept] = await eventsByIdQuery(store, { ids: [original.event_id] });
    expect(kept?.command).toBeUndefined();
  });

  it("ships a valid batch spanning 110 months without filing anything", async () => {
    const commits = Array.from({ length: 110 }, (_, i) => makeEvent({ type: "codebase.commit", occurred_at: new Date(Date.UTC(2013, i, 5)).toISOString() }));
    const run = await ship("months", commits);
    await run.stop();
    expect(await rejectedIds(run.rejected)).toEqual([]);
    expect(await storedIds(commits)).toHaveLength(110);
  });

  it("files the one event too large for the gateway (413 for a single event) and ships its neighbours", async () => {
    // A gateway whose body limit is below one event (16 KiB raw line): 413 whatever the split.
    const small = await startServe({ config: configSchema.parse({ server: { host: "127.0.0.1", port: 0 } }), log: quiet, store, dashboard: false, maxBodyBytes: 8 * 1024 });
    try {
      const neighbours = makeEvents(4);
      const huge = makeEvent({ raw: "r".repeat(16_000) });
      const run = await ship("too-large", [neighbours[0], huge, ...neighbours.slice(1)].filter((e): e is AuditEvent => e !== undefined), small.url);
      await run.stop();
      expect(await rejectedIds(run.rejected)).toEqual([huge.event_id]);
      expect(await storedIds(neighbours)).toEqual(neighbours.map((e) => e.event_id).sort());
    } finally {
      await small.close();
    }
  });

  it("sets aside a spooled record today's schema refuses (a lone \\ud800 spooled by an older collector) and ships past it", async () => {
    const good = makeEvents(3);
    // As an older collector spooled it, before the schema refused lone surrogates.
    const old = { ...makeEvent(), command: "cat \ud800" };
    const run = await ship("old-record", [good[0], old, good[1], good[2]].filter((e): e is AuditEvent => e !== undefined));
    await run.stop();
    expect(await storedIds(good)).toEqual(good.map((e) => e.event_id).sort());
    const files = await readdir(run.rejected);
    const lines = (await Promise.all(files.map((f) => readFile(join(run.rejected, f), "utf8")))).join("").split("\n").filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(old.event_id);
    expect(lines[0]).toContain("surrogate");
  });

  it("files an event with a lone \\ud800 (400 naming the field) instead of resending it", async () => {
    const good = makeEvents(2);
    const poisoned = { ...makeEvent(), command: "cat \ud800" };
    const dir = join(await tempDir("surrogate"), "rejected");
    await publishWithRejects(new HttpSink({ url: serve.url }), dir, quiet)([good[0], poisoned, good[1]].filter((e): e is AuditEvent => e !== undefined));
    expect(await rejectedIds(dir)).toEqual([poisoned.event_id]);
    expect(await storedIds(good)).toEqual(good.map((e) => e.event_id).sort());
  });
});

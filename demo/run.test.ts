import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { countEventsQuery, countsByCategoryChannelQuery } from "../store/events";
import { createEventsHandler } from "../ingest/gateway/handler";
import { StoreSink } from "../ingest/gateway/store-sink";
import { openTestStore, type TestStore } from "../test/store";
import { createLogger } from "../lib/log";
import { DemoGenerator } from "./generate";
import { DemoPostError, postEvents } from "./post";
import { startDemo } from "./run";

/**
 * The demo against the real gateway handler on a real loopback port,
 * writing through the store sink into the real embedded engine.
 */
const log = createLogger("demo-run-test", "silent");
const NOW = new Date("2026-11-22T02:00:00.000Z");

function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (address === null || typeof address === "string") return reject(new Error("no TCP address"));
      resolve(`http://127.0.0.1:${address.port}`);
    });
  });
}

/** The real gateway handler (ingest/gateway) over the real store sink, routed as serve routes it. */
function gateway(store: TestStore): Server {
  const handler = createEventsHandler({ sink: new StoreSink(store), log });
  return createServer((req, res) => {
    if (req.url === "/api/v1/events") void handler(req, res);
    else res.writeHead(404).end();
  });
}

describe("startDemo", () => {
  let store: TestStore;
  let server: Server;
  let url: string;
  beforeAll(async () => {
    store = await openTestStore();
    server = gateway(store);
    url = await listen(server);
  }, 60_000);
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await store.drop();
  });

  it("backfills a day through POST /api/v1/events into the store, every event once", async () => {
    const demo = startDemo({ gatewayUrl: url, seed: 42, backfillDays: 1, liveEventsPerMinute: 0, log, now: NOW });
    const { events } = await demo.backfill;
    await demo.stop();
    let expected = 0;
    for (const batch of new DemoGenerator({ seed: 42, now: NOW, backfillDays: 1 }).backfill()) expected += batch.events.length;
    expect(events).toBe(expected);
    expect(events).toBeGreaterThan(2000);
    const [count] = await countEventsQuery(store, {});
    expect(count?.events).toBe(expected);
    const rows = await countsByCategoryChannelQuery(store, { from: "2026-11-20T00:00:00.000Z", to: NOW.toISOString(), env: "demo-prod" });
    // 2026-11-21/22 is a weekend: no releases, but the bots and monitoring never sleep.
    expect(rows.find((r) => r.category === "access" && r.channel === "ssh")?.events).toBeGreaterThan(1000);
    expect(demo.truth().changes.length).toBeGreaterThan(0);
  }, 120_000);

  it("stops on the gateway's 400 and names the bad field of the bad event", async () => {
    const [good] = new DemoGenerator({ seed: 5, now: NOW, backfillDays: 0 }).backfill().next().value?.events ?? [];
    expect(good).toBeDefined();
    const bad = { ...good, event_id: "planted-bad", occurred_at: "yesterday" };
    const error = await postEvents([good, bad], { gatewayUrl: url, log }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DemoPostError);
    expect(error instanceof Error ? error.message : "").toMatch(/event 1 \(planted-bad\): events\[1\]\.occurred_at: must be an RFC 3339/);
  });
});

describe("startDemo live", () => {
  it("continues the simulation after the backfill at the configured rate, then stops", async () => {
    const bodySchema = z.object({ events: z.array(z.object({ event_id: z.string(), occurred_at: z.string() })) });
    const bodies: Array<z.infer<typeof bodySchema>> = [];
    const server = createServer((req, res) => {
      let text = "";
      req.setEncoding("utf8");
      req.on("data", (chunk: string) => (text += chunk));
      req.on("end", () => {
        bodies.push(bodySchema.parse(JSON.parse(text)));
        res.writeHead(200).end("{}");
      });
    });
    const gatewayUrl = await listen(server);
    const demo = startDemo({ gatewayUrl, seed: 3, backfillDays: 0, liveEventsPerMinute: 3000, log, now: NOW });
    const { events: backfilled } = await demo.backfill;
    // 3000/min → 100 events per 2-second tick; wait for two live posts.
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (bodies.flatMap((b) => b.events).length >= backfilled + 200) {
          clearInterval(poll);
          resolve();
        }
      }, 100);
    });
    await demo.stop();
    const all = bodies.flatMap((b) => b.events);
    const live = all.slice(backfilled);
    expect(live.length).toBeGreaterThanOrEqual(200);
    expect(new Set(all.map((e) => e.event_id)).size).toBe(all.length);
    for (const e of live) expect(Date.parse(e.occurred_at)).toBeGreaterThanOrEqual(NOW.getTime());
    const settled = all.length;
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(bodies.flatMap((b) => b.events).length).toBe(settled);
    await new Promise((resolve) => server.close(resolve));
  }, 60_000);
});

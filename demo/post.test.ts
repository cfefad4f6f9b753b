import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { z } from "zod";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../lib/log";
import { DemoPostError, MAX_BATCH, postEvents } from "./post";

/** A real HTTP server on loopback that records every body and answers as the test says. */
interface Recorder {
  url: string;
  bodies: unknown[];
  server: Server;
}

async function recorder(answer: (call: number, req: IncomingMessage, res: ServerResponse) => void): Promise<Recorder> {
  const bodies: unknown[] = [];
  let calls = 0;
  const server = createServer((req, res) => {
    let text = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (text += chunk));
    req.on("end", () => {
      bodies.push(JSON.parse(text));
      answer(calls++, req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("recorder: no TCP address");
  const port = address.port;
  return { url: `http://127.0.0.1:${port}`, bodies, server };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

const bodySchema = z.strictObject({ events: z.array(z.unknown()) });
const batches = (bodies: unknown[]) => bodies.map((b) => bodySchema.parse(b).events);

const log = createLogger("demo-post-test", "silent");
const events = Array.from({ length: 2500 }, (_, i) => ({ event_id: `e${i}` }));

describe("postEvents", () => {
  it("posts {events:[...]} to /api/v1/events in order, at most 1000 per request", async () => {
    const r = await recorder((_, req, res) => {
      expect(req.url).toBe("/api/v1/events");
      expect(req.method).toBe("POST");
      res.writeHead(200, { "content-type": "application/json" }).end('{"accepted":1}');
    });
    servers.push(r.server);
    await postEvents(events, { gatewayUrl: r.url, log });
    expect(batches(r.bodies).map((b) => b.length)).toEqual([MAX_BATCH, MAX_BATCH, 500]);
    expect(batches(r.bodies).flat()).toEqual(events);
  });

  it("retries a 503 with backoff and then succeeds, losing nothing", async () => {
    const r = await recorder((call, _req, res) => {
      res.writeHead(call < 2 ? 503 : 200).end(call < 2 ? "store busy" : "{}");
    });
    servers.push(r.server);
    await postEvents(events.slice(0, 10), { gatewayUrl: r.url, log });
    expect(r.bodies).toHaveLength(3);
    expect(r.bodies[2]).toEqual(r.bodies[0]);
  });

  it("stops on 400 with the gateway's per-event issues in the error", async () => {
    const r = await recorder((_call, _req, res) => {
      res.writeHead(400, { "content-type": "application/json" }).end(
        JSON.stringify({ error: "invalid batch", rejected: [{ index: 3, event_id: "e3", issues: [{ field: "events[3].occurred_at", message: "must be an RFC 3339 timestamp" }] }] }),
      );
    });
    servers.push(r.server);
    const error = await postEvents(events.slice(0, 10), { gatewayUrl: r.url, log }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DemoPostError);
    expect(error instanceof Error ? error.message : "").toContain("event 3 (e3): events[3].occurred_at: must be an RFC 3339 timestamp");
    expect(r.bodies).toHaveLength(1);
  });

  it("names a gateway URL that is not a URL", async () => {
    await expect(postEvents(events.slice(0, 1), { gatewayUrl: "not a url", log })).rejects.toThrow(/not a URL/);
  });
});

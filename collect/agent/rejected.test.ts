import { createServer, type Server } from "node:http";
import { readFile, readdir } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { makeEvents } from "../../test/factories/events";
import { HttpSink } from "../sinks/http-sink";
import { publishWithRejects } from "./rejected";
import { quiet, tempDir } from "./testing";

/** A real HTTP server playing a gateway: `answer` decides each POST's status and body from the posted event ids. */
async function fakeGateway(answer: (ids: string[]) => { status: number; body: object }): Promise<{ url: string; posts: string[][]; server: Server }> {
  const posts: string[][] = [];
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (c: Buffer) => parts.push(c));
    req.on("end", () => {
      const body: unknown = JSON.parse(Buffer.concat(parts).toString("utf8"));
      const events = typeof body === "object" && body !== null && "events" in body && Array.isArray(body.events) ? body.events : [];
      const ids = events.map((e: unknown) => (typeof e === "object" && e !== null && "event_id" in e ? String(e.event_id) : "?"));
      posts.push(ids);
      const a = answer(ids);
      res.writeHead(a.status, { "content-type": "application/json" });
      res.end(JSON.stringify(a.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address: AddressInfo | string | null = server.address();
  if (address === null || typeof address === "string") throw new Error("fake gateway has no TCP port");
  return { url: `http://127.0.0.1:${address.port}`, posts, server };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

async function rejectedLines(dir: string): Promise<Array<{ reasons: Array<{ field: string; message: string }>; event: { event_id: string } }>> {
  const files = await readdir(dir).catch(() => []);
  const out = [];
  for (const f of files) for (const line of (await readFile(join(dir, f), "utf8")).split("\n").filter(Boolean)) out.push(JSON.parse(line));
  return out;
}

describe("non-retriable sink errors", () => {
  it("moves the events the gateway names to rejected/<timestamp>.jsonl with their reasons and publishes the rest", async () => {
    const events = makeEvents(4);
    const bad = events[1]?.event_id ?? "";
    const gw = await fakeGateway((ids) =>
      ids.includes(bad)
        ? { status: 400, body: { rejected: [{ index: ids.indexOf(bad), event_id: bad, issues: [{ field: `events[${ids.indexOf(bad)}].seq`, message: "gap" }] }] } }
        : { status: 200, body: { accepted: ids.length } },
    );
    servers.push(gw.server);
    const dir = join(await tempDir("rejected"), "rejected");
    await publishWithRejects(new HttpSink({ url: gw.url }), dir, quiet)(events);
    expect(gw.posts).toEqual([events.map((e) => e.event_id), events.filter((e) => e.event_id !== bad).map((e) => e.event_id)]);
    const rejected = await rejectedLines(dir);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ event: { event_id: bad }, reasons: [{ field: "events[1].seq", message: "gap" }] });
  });

  it("a 400 without per-event detail is narrowed down by halves to the refused event", async () => {
    const events = makeEvents(5);
    const bad = events[3]?.event_id ?? "";
    const gw = await fakeGateway((ids) => (ids.includes(bad) ? { status: 400, body: { issues: [{ field: "(body)", message: "refused" }] } } : { status: 200, body: {} }));
    servers.push(gw.server);
    const dir = join(await tempDir("bisect"), "rejected");
    await publishWithRejects(new HttpSink({ url: gw.url }), dir, quiet)(events);
    const delivered = gw.posts.filter((ids) => !ids.includes(bad)).flat().sort();
    expect(delivered).toEqual(events.filter((e) => e.event_id !== bad).map((e) => e.event_id).sort());
    expect((await rejectedLines(dir)).map((r) => r.event.event_id)).toEqual([bad]);
  });

  it("retriable failures (5xx) and a refused API key (401) are thrown for the shipper to retry, nothing written aside", async () => {
    for (const status of [503, 401]) {
      const gw = await fakeGateway(() => ({ status, body: { error: "no" } }));
      servers.push(gw.server);
      const dir = join(await tempDir("retry"), "rejected");
      await expect(publishWithRejects(new HttpSink({ url: gw.url }), dir, quiet)(makeEvents(2))).rejects.toThrow(String(status));
      expect(await rejectedLines(dir)).toEqual([]);
    }
  });
});

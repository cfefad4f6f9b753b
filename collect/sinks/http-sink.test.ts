import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { parseBatch, type AuditEvent } from "../../schemas";
import { makeEvent, makeEvents } from "../../test/factories/events";
import { HttpSink, HttpSinkError, HttpSinkRejectedError, requestBodies } from "./http-sink";

interface Received {
  method: string;
  url: string;
  authorization: string | undefined;
  body: unknown;
}
type Reply = (req: Received, res: http.ServerResponse) => void;

/**
 * A real HTTP server standing in for the gateway: it records each request and
 * answers as `reply` says. The default reply is the gateway's contract:
 * validate with parseBatch, 200 {accepted} or 400 with the per-event issues.
 */
const gatewayReply: Reply = (req, res) => {
  const result = parseBatch(req.body);
  res.writeHead(result.ok ? 200 : 400, { "content-type": "application/json" });
  res.end(JSON.stringify(result.ok ? { accepted: result.events.length } : { error: "invalid events", ...result }));
};

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r).closeAllConnections())));
});

async function gateway(reply: Reply = gatewayReply): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const r: Received = {
        method: req.method ?? "",
        url: req.url ?? "",
        authorization: req.headers.authorization,
        body: JSON.parse(Buffer.concat(chunks).toString("utf8")),
      };
      received.push(r);
      reply(r, res);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

const eventsOf = (r: Received | undefined): unknown => (r?.body as { events: unknown } | undefined)?.events;

describe("HttpSink", () => {
  it("POSTs {events} to /api/v1/events with the bearer key and resolves on 2xx", async () => {
    const gw = await gateway();
    const events = makeEvents(25);
    await new HttpSink({ url: gw.url, apiKey: "pt_key_123" }).publish(events);
    expect(gw.received).toHaveLength(1);
    expect(gw.received[0]).toMatchObject({ method: "POST", url: "/api/v1/events", authorization: "Bearer pt_key_123" });
    expect(eventsOf(gw.received[0])).toEqual(JSON.parse(JSON.stringify(events)));
  });

  it("sends no Authorization header without a key, and keeps a base path", async () => {
    const gw = await gateway();
    await new HttpSink({ url: `${gw.url}/prodtrail/` }).publish([makeEvent()]);
    expect(gw.received[0]).toMatchObject({ url: "/prodtrail/api/v1/events", authorization: undefined });
  });

  it("resolves only after the gateway answered", async () => {
    let answer: (() => void) | undefined;
    const gw = await gateway((req, res) => {
      answer = () => gatewayReply(req, res);
    });
    let settled = false;
    const p = new HttpSink({ url: gw.url }).publish([makeEvent()]).then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(gw.received).toHaveLength(1);
    expect(settled).toBe(false);
    answer?.();
    await p;
    expect(settled).toBe(true);
  });

  it("turns a 400 into a permanent error carrying the gateway's per-event issues", async () => {
    const gw = await gateway();
    const bad = { ...makeEvent(), host: "" } as AuditEvent;
    const err = await new HttpSink({ url: gw.url }).publish([makeEvent(), bad]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpSinkRejectedError);
    expect(err).toMatchObject({ retriable: false, status: 400, events: 2 });
    const rejected = (err as HttpSinkRejectedError).rejected;
    expect(rejected).toEqual([{ index: 1, event_id: bad.event_id, issues: [expect.objectContaining({ field: "events[1].host" })] }]);
    expect((err as Error).message).toContain("events[1].host");
  });

  it.each([
    [500, true],
    [502, true],
    [503, true],
    [429, true],
    [401, false],
    [404, false],
  ])("treats status %i as retriable=%s", async (status, retriable) => {
    const gw = await gateway((_req, res) => {
      res.writeHead(status, status === 503 ? { "retry-after": "2" } : {});
      res.end("nope");
    });
    const err = await new HttpSink({ url: gw.url, apiKey: "k" }).publish([makeEvent()]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpSinkError);
    expect(err).not.toBeInstanceOf(HttpSinkRejectedError);
    expect(err).toMatchObject({ status, retriable });
    if (status === 503) expect(err).toMatchObject({ retryAfterMs: 2000 });
    if (status === 401) expect((err as Error).message).toContain("API key");
  });

  it.each([409, 413, 422])("turns a %i into a final refusal, naming the events the gateway names at the caller's indexes", async (status) => {
    const gw = await gateway((_req, res) => {
      res.writeHead(status, { "content-type": "application/json" });
      const named = status === 409 ? { conflicts: [{ index: 1, event_id: "x", issues: [{ field: "events[1]", message: "stored with different content" }] }] } : {};
      res.end(JSON.stringify({ error: `refused ${status}`, ...named }));
    });
    const err = await new HttpSink({ url: gw.url }).publish(makeEvents(3)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpSinkRejectedError);
    expect(err).toMatchObject({ status, retriable: false });
    const rejection = err instanceof HttpSinkRejectedError ? err : undefined;
    if (status === 409) expect(rejection?.rejected.map((r) => r.index)).toEqual([1]);
    else expect(rejection).toMatchObject({ rejected: [], issues: [{ field: "(request)", message: `refused ${status}` }] });
  });

  it("turns a 403 that names events (server-only, another collector's) into a final refusal of those events only", async () => {
    const gw = await gateway((_req, res) => {
      res.writeHead(403, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: "server-only record", rejected: [{ index: 2, issues: [{ field: "events[2].type", message: "audit.view is written by the server only" }] }] }));
    });
    const err = await new HttpSink({ url: gw.url, apiKey: "k" }).publish(makeEvents(3)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpSinkRejectedError);
    expect(err).toMatchObject({ status: 403, retriable: false });
    expect(err instanceof HttpSinkRejectedError ? err.rejected.map((r) => r.index) : []).toEqual([2]);
  });

  it("keeps a 403 that names no event (the key itself) a plain error: the events stay spooled", async () => {
    const gw = await gateway((_req, res) => {
      res.writeHead(403, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: "the API key may not write events (scope events:write)" }));
    });
    const err = await new HttpSink({ url: gw.url, apiKey: "k" }).publish(makeEvents(1)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpSinkError);
    expect(err).not.toBeInstanceOf(HttpSinkRejectedError);
    expect((err as Error).message).toContain("API key");
  });

  it("treats a refused connection and a timeout as retriable, with no status", async () => {
    const gw = await gateway(() => undefined); // never answers
    const timedOut = await new HttpSink({ url: gw.url, timeoutMs: 300 }).publish([makeEvent()]).catch((e: unknown) => e);
    expect(timedOut).toMatchObject({ retriable: true, status: undefined });

    const closed = await gateway();
    await new Promise((r) => servers.pop()?.close(r));
    const refused = await new HttpSink({ url: closed.url }).publish([makeEvent()]).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(HttpSinkError);
    expect(refused).toMatchObject({ retriable: true, status: undefined });
    expect((refused as Error).message).toContain("ECONNREFUSED");
  });

  it("splits a publish above the gateway's 5,000-event limit into ordered requests; indexes stay the caller's", async () => {
    const gw = await gateway();
    const events = makeEvents(5_001);
    await new HttpSink({ url: gw.url }).publish(events);
    expect(gw.received.map((r) => (eventsOf(r) as unknown[]).length)).toEqual([5_000, 1]);
    const ids = gw.received.flatMap((r) => (eventsOf(r) as { event_id: string }[]).map((e) => e.event_id));
    expect(ids).toEqual(events.map((e) => e.event_id));

    const bad = { ...makeEvent(), env: "" } as AuditEvent;
    const err = await new HttpSink({ url: gw.url }).publish([...events, bad]).catch((e: unknown) => e);
    expect((err as HttpSinkRejectedError).rejected.map((r) => r.index)).toEqual([5_001]);
  });
});

describe("requestBodies", () => {
  it("cuts by count and by bytes, in order, never dropping or splitting an event", () => {
    const events = makeEvents(10);
    const one = Buffer.byteLength(JSON.stringify(events[0])) + 1;
    const byCount = [...requestBodies(events, { maxEvents: 4, maxBodyBytes: 1e9 })];
    expect(byCount.map((b) => b.count)).toEqual([4, 4, 2]);
    const byBytes = [...requestBodies(events, { maxEvents: 100, maxBodyBytes: 13 + one * 3 + 10 })];
    expect(byBytes.every((b) => Buffer.byteLength(b.body) <= 13 + one * 3 + 10)).toBe(true);
    const all = byBytes.flatMap((b) => (JSON.parse(b.body) as { events: AuditEvent[] }).events.map((e) => e.event_id));
    expect(all).toEqual(events.map((e) => e.event_id));
    expect(byBytes.map((b) => b.start)).toEqual(byBytes.map((_, i) => byBytes.slice(0, i).reduce((s, b) => s + b.count, 0)));
  });
});

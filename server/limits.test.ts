import { connect, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { parseEvent } from "../schemas";
import { postEvents, storedIds, useGatewayFixture } from "../ingest/gateway/testing";
import { makeEvent } from "../test/factories/events";

/**
 * Class 8 of issue 9 (gateway parts): stalled uploads are cut off in
 * seconds, open connections are bounded, and a label named __proto__ is
 * refused by name instead of silently dropped.
 */
const fx = useGatewayFixture();

interface Connection {
  socket: Socket;
  /** What the server sent before it closed the connection; listening from the start, so an early close is not missed. */
  closed: Promise<string>;
}

function open(port: number): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let text = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => (text += chunk));
    const closed = new Promise<string>((done) => socket.on("close", () => done(text)));
    socket.once("connect", () => resolve({ socket, closed }));
    socket.on("error", reject);
  });
}

describe("connection limits", () => {
  it("cuts off an upload that stalls mid-body, and one that stalls in its headers", async () => {
    const { port } = await fx.serve("loopback-exempt", { request_timeout_ms: 1_000, headers_timeout_ms: 500 });
    const body = await open(port);
    body.socket.write(`POST /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"events":[`);
    const headers = await open(port);
    headers.socket.write(`POST /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Ty`);
    // The vitest timeout (60 s) is the failure: Node's defaults hold these for 300 s and 60 s.
    expect(await body.closed).toMatch(/^HTTP\/1\.1 408|^$/);
    expect(await headers.closed).toMatch(/^HTTP\/1\.1 408|^$/);
  });

  it("refuses connections beyond server.max_connections and keeps serving the open ones", async () => {
    const { port, url } = await fx.serve("loopback-exempt", { max_connections: 2 });
    const held = [await open(port), await open(port)];
    const extra = await open(port);
    expect(await extra.closed).toBe("");
    for (const c of held) c.socket.destroy();
    await Promise.all(held.map((c) => c.closed));
    // The server counts a connection gone once it saw the close; until then a new one may still be turned away.
    for (;;) {
      const res = await postEvents(url, [makeEvent()]).catch(() => undefined);
      if (res !== undefined) {
        expect(res.status).toBe(200);
        break;
      }
    }
  });
});

describe("labels named like Object.prototype members", () => {
  it.each(["__proto__", "constructor", "prototype"])("refuses a label named %s by name (schema and gateway)", async (name) => {
    const event = makeEvent();
    // As a producer's JSON carries it: JSON.parse makes "__proto__" an own key, an object literal would not.
    const eventText = JSON.stringify({ ...event, labels: { team: "web" } }).replace('"team":"web"', `"team":"web","${name}":"x"`);
    const text = `{"events":[${eventText}]}`;
    const input: unknown = JSON.parse(eventText);
    const parsed = parseEvent(input);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.issues).toEqual([expect.objectContaining({ field: expect.stringContaining("labels"), message: expect.stringContaining(name) })]);
    const { url } = await fx.serve("loopback-exempt");
    const res = await fetch(`${url}/api/v1/events`, { method: "POST", headers: { "content-type": "application/json" }, body: text });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain(name);
    expect(await storedIds(fx.store, [event])).toEqual([]);
  });
});

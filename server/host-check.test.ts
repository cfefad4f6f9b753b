import { createServer, request, type Server } from "node:http";
import { afterAll, describe, expect, it } from "vitest";
import { configSchema } from "../config/schema";
import { sendJson } from "../ingest/gateway/respond";
import { storedIds, testLog, useGatewayFixture } from "../ingest/gateway/testing";
import { makeEvent } from "../test/factories/events";
import { createRequestListener } from "./router";
import { allowedAuthorities, publicBaseUrl } from "./public-url";

/**
 * Class 7 of issue 9: a request whose Host (or Origin) is not one of this
 * server's public URLs — a page on attacker.example whose name was
 * rebound to 127.0.0.1 — is refused before any route runs.
 */
const fx = useGatewayFixture();
const others: Server[] = [];
afterAll(async () => {
  for (const s of others) await new Promise((r) => s.close(r));
});

/** node:http, because fetch may not set Host. */
function send(port: number, path: string, headers: Record<string, string>, body = ""): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method: body === "" ? "GET" : "POST", headers: { ...headers, ...(body !== "" ? { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) } : {}) } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("Host header check", () => {
  it("refuses a foreign Host on /api/v1/events and /api/v1/collectors/register (421 naming it) and stores nothing", async () => {
    const { port } = await fx.serve("loopback-exempt");
    const event = makeEvent();
    const events = JSON.stringify({ events: [event] });
    const posted = await send(port, "/api/v1/events", { host: `attacker.example:${port}`, origin: `http://attacker.example:${port}` }, events);
    expect(posted.status).toBe(421);
    expect(posted.text).toContain("attacker.example");
    expect(posted.text).toContain("server.public_urls");
    const registered = await send(port, "/api/v1/collectors/register", { host: `attacker.example:${port}` }, JSON.stringify({ collector_id: "web-01", public_key: "x" }));
    expect(registered.status).toBe(421);
    expect(await storedIds(fx.store, [event])).toEqual([]);
    // The same request with this server's own name is served.
    expect((await send(port, "/api/v1/events", { host: `localhost:${port}` }, events)).status).toBe(200);
  });

  it("refuses a foreign Origin with a local Host (403), and takes a configured public URL", async () => {
    const { port } = await fx.serve("loopback-exempt", { public_urls: ["https://prodtrail.example.com"] });
    const events = JSON.stringify({ events: [makeEvent()] });
    const foreignOrigin = await send(port, "/api/v1/events", { host: `127.0.0.1:${port}`, origin: "http://attacker.example" }, events);
    expect(foreignOrigin.status).toBe(403);
    expect(foreignOrigin.text).toContain("attacker.example");
    expect((await send(port, "/api/v1/events", { host: "prodtrail.example.com", origin: "https://prodtrail.example.com" }, events)).status).toBe(200);
  });

  it("refuses a foreign Host on a dashboard route before the dashboard sees it", async () => {
    let reached = 0;
    const config = configSchema.parse({ server: { host: "127.0.0.1", port: 0 } });
    let port = 0;
    const listener = createRequestListener(
      {
        api: {},
        fallback: async (_req, res) => {
          reached += 1;
          sendJson(res, 200, { page: "dashboard" });
        },
      },
      testLog,
      { allowedHosts: () => allowedAuthorities(config.server, port) },
    );
    const server = createServer(listener);
    others.push(server);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("not a TCP listener");
    port = address.port;
    expect((await send(port, "/drift", { host: `rebound.attacker.example:${port}` })).status).toBe(421);
    expect(reached).toBe(0);
    expect((await send(port, "/drift", { host: `127.0.0.1:${port}` })).status).toBe(200);
    expect(reached).toBe(1);
  });

  it("the permalink base is the first configured public URL, else this server's own", () => {
    const server = configSchema.parse({ server: { public_urls: ["https://audit.example.com/", "http://10.0.0.5:3000"] } }).server;
    expect(publicBaseUrl(server, 3000)).toBe("https://audit.example.com");
    expect(publicBaseUrl(configSchema.parse({}).server, 4321)).toBe("http://127.0.0.1:4321");
  });
});

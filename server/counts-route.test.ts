import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StoreSink } from "../ingest/gateway/store-sink";
import { insertEvents } from "../store/events";
import { makeEvent } from "../test/factories/events";
import { signedInCookie } from "../test/session";
import { openTestStore, type TestStore } from "../test/store";
import { publishAuthRuntime } from "./auth/runtime";
import { createCountsHandler } from "./counts-route";

/**
 * GET /api/v1/counts through a real HTTP server and the real store: a
 * viewer's free-text or per-actor/host narrowing is refused by name (issue
 * #9, class 6), every answer and every refusal is an audit.view record in
 * the store (class 8), and a mangled cookie is a 401, not a crash.
 */
let store: TestStore;
let server: Server;
let base: string;

beforeAll(async () => {
  store = await openTestStore();
  publishAuthRuntime({ sink: new StoreSink(store) });
  await insertEvents(store, [makeEvent({ type: "access.exec", env: "prod", command: "psql --password=hunter2-planted" })]);
  const handle = createCountsHandler(store);
  server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  base = `http://127.0.0.1:${address && typeof address === "object" ? address.port : 0}/api/v1/counts`;
}, 120_000);
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  publishAuthRuntime(undefined);
  await store?.drop();
});

async function auditsBy(email: string) {
  const rows = await store.client.query({
    query: `SELECT resource, outcome, reason, labels['refused'] AS refused FROM ${store.tables.events} WHERE type = 'audit.view' AND actor_id = {a:String} ORDER BY occurred_at`,
    query_params: { a: email },
    format: "JSONEachRow",
  });
  return rows.json<{ resource: string; outcome: string; reason: string; refused: string }>();
}

describe("GET /api/v1/counts", () => {
  it("refuses a viewer's q, actor and host by name with 403, and audits each refusal", async () => {
    const { cookie, email } = await signedInCookie(store, "viewer");
    for (const [param, value] of [["q", "hunter2"], ["actor", "alice@example.com"], ["host", "db-01"]]) {
      const res = await fetch(`${base}?hours=24&${param}=${value}`, { headers: { cookie } });
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: string }).error).toMatch(new RegExp(`may not search or filter by ${param}`));
    }
    const audits = await auditsBy(email);
    expect(audits).toHaveLength(3);
    for (const a of audits) expect(a).toMatchObject({ resource: "/api/v1/counts", outcome: "failure", refused: "true" });
  });

  it("answers a viewer's plain counts and audits the view", async () => {
    const { cookie, email } = await signedInCookie(store, "viewer");
    const res = await fetch(`${base}?hours=24&env=prod`, { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { total: number }).total).toBe(1);
    expect(await auditsBy(email)).toEqual([expect.objectContaining({ resource: "/api/v1/counts", outcome: "success", refused: "" })]);
  });

  it("names a parameter it does not take instead of ignoring it", async () => {
    const { cookie } = await signedInCookie(store, "analyst");
    const res = await fetch(`${base}?hours=24&q=hunter2`, { headers: { cookie } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/q/);
  });

  it("answers a cookie with a broken % escape with 401, not 500", async () => {
    const res = await fetch(base, { headers: { cookie: "prodtrail_session=%E0%A4%A" } });
    expect(res.status).toBe(401);
  });
});

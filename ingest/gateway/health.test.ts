import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { ClickHouseLogLevel, createClient } from "@clickhouse/client";
import { qualifyTables } from "../../store/tables";
import type { Store } from "../../store/open";
import { openTestStore, type TestStore } from "../../test/store";
import { startServe, type RunningServe } from "../../server/serve";
import { testConfig as config, testLog as log } from "./testing";

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

describe("GET /api/health", () => {
  const healthSchema = z.strictObject({
    status: z.enum(["ok", "unavailable"]),
    mode: z.literal("embedded"),
    version: z.string().regex(/^\d+\.\d+\.\d+/),
    store: z.strictObject({ mode: z.enum(["embedded", "server"]), database: z.string(), ok: z.boolean(), latency_ms: z.number(), error: z.string().optional() }),
  });

  it("is 200 with mode, version and the store's state", async () => {
    const res = await fetch(`${serve.url}/api/health`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = healthSchema.parse(await res.json());
    expect(body.status).toBe("ok");
    expect(body.store).toMatchObject({ ok: true, database: store.database });
  });

  it("is 503 when the store does not answer", async () => {
    // A real client pointed at a port nothing listens on: the store is down.
    const client = createClient({ url: "http://127.0.0.1:9", request_timeout: 2_000, log: { level: ClickHouseLogLevel.OFF } });
    const down: Store = { client, mode: "server", database: "down", tables: qualifyTables("down"), dataPath: undefined, close: () => client.close() };
    const running = await startServe({ config, log, store: down, dashboard: false });
    try {
      const res = await fetch(`${running.url}/api/health`);
      expect(res.status).toBe(503);
      const body = healthSchema.parse(await res.json());
      expect(body.status).toBe("unavailable");
      expect(body.store.error).toBeTruthy();
    } finally {
      await running.close();
      await client.close();
    }
  });
});

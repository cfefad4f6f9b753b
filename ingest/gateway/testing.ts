import { afterAll, beforeAll } from "vitest";
import { configSchema } from "../../config/schema";
import { createLogger } from "../../lib/log";
import type { AuditEvent } from "../../schemas";
import { eventsByIdQuery } from "../../store/events";
import type { Store } from "../../store/open";
import { startServe, type RunningServe } from "../../server/serve";
import { openTestStore, type TestStore } from "../../test/store";

/**
 * Shared by the gateway's tests: each starts the real `prodtrail serve`
 * listener (without Next) on an ephemeral loopback port over its own
 * database of the real embedded engine.
 */
export const testLog = createLogger("gateway-test", "silent");
export const testConfig = configSchema.parse({ server: { host: "127.0.0.1", port: 0 } });

export function postBatch(baseUrl: string, body: string, contentType = "application/json"): Promise<Response> {
  return fetch(`${baseUrl}/api/v1/events`, { method: "POST", headers: { "content-type": contentType }, body });
}

/** Which of these events the store holds, by id, sorted. */
export async function storedIds(store: Store, events: readonly AuditEvent[]): Promise<string[]> {
  return (await eventsByIdQuery(store, { ids: events.map((e) => e.event_id) })).map((e) => e.event_id).sort();
}

/** The real `serve` listener without Next over `store`; jobs off so a test's own runs are the only ones. Closed by the caller. */
export function startTestGateway(store: Store, server: Record<string, unknown> = {}, config: Record<string, unknown> = {}): Promise<RunningServe> {
  return startServe({
    config: configSchema.parse({ server: { host: "127.0.0.1", port: 0, ...server }, integrity: { interval_s: 0 }, drift: { interval_seconds: 0 }, ...config }),
    log: testLog,
    store,
    dashboard: false,
  });
}

/** POST /api/v1/events with `{events}` and, when given, the API key. */
export function postEvents(url: string, events: readonly unknown[], token?: string): Promise<Response> {
  return fetch(`${url}/api/v1/events`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ events }),
  });
}

/**
 * A test file's own store and the gateways it starts: opened before the
 * file's tests, every gateway closed and the database dropped after.
 */
export function useGatewayFixture(): { readonly store: TestStore; serve(apiKeys?: "loopback-exempt" | "required", server?: Record<string, unknown>, config?: Record<string, unknown>): Promise<RunningServe> } {
  const servers: RunningServe[] = [];
  let store: TestStore | undefined;
  beforeAll(async () => {
    store = await openTestStore();
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
    await store?.drop();
  });
  const opened = (): TestStore => {
    if (store === undefined) throw new Error("useGatewayFixture: the store opens in beforeAll; use it inside a test");
    return store;
  };
  return {
    get store() {
      return opened();
    },
    async serve(apiKeys = "loopback-exempt", server = {}, config = {}) {
      const running = await startTestGateway(opened(), { api_keys: apiKeys, ...server }, config);
      servers.push(running);
      return running;
    },
  };
}

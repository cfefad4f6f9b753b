import type { Store } from "../../store/open";
import type { RequestHandler } from "./handler";
import { sendJson } from "./respond";

export interface HealthOptions {
  store: Store;
  /** How this process runs: "embedded" (prodtrail serve) today, "scale" later. */
  mode: string;
  version: string;
}

/**
 * GET /api/health: 200 when the store answers a ping, 503 when it does not,
 * so a load balancer or `curl -f` can tell. Shape:
 * `{ status, mode, version, store: { mode, database, ok, latency_ms, error? } }`.
 */
export function createHealthHandler({ store, mode, version }: HealthOptions): RequestHandler {
  return async (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      sendJson(res, 405, { error: "use GET" }, { allow: "GET, HEAD" });
      return;
    }
    const started = performance.now();
    let error: string | undefined;
    try {
      const ping = await store.client.ping();
      if (!ping.success) error = ping.error.message;
    } catch (caught) {
      error = caught instanceof Error ? caught.message : String(caught);
    }
    const ok = error === undefined;
    sendJson(res, ok ? 200 : 503, {
      status: ok ? "ok" : "unavailable",
      mode,
      version,
      store: {
        mode: store.mode,
        database: store.database,
        ok,
        latency_ms: Math.round((performance.now() - started) * 10) / 10,
        ...(error !== undefined ? { error } : {}),
      },
    });
  };
}

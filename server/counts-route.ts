import type { Store } from "../store/open";
import type { RequestHandler } from "../ingest/gateway/handler";
import { sendError, sendJson } from "../ingest/gateway/respond";
import { envFilterSchema, hoursSchema, loadRecentCounts } from "../dashboard/lib/queries/recent-counts";

/**
 * GET /api/v1/counts?hours=24&env=prod: the overview page's numbers as JSON
 * (same query code), for scripts and for tests that should not parse HTML.
 */
export function createCountsHandler(store: Store): RequestHandler {
  return async (req, res) => {
    if (req.method !== "GET") {
      sendError(res, 405, "use GET", {}, { allow: "GET" });
      return;
    }
    const url = new URL(req.url ?? "/", "http://localhost");
    const hours = hoursSchema.safeParse(url.searchParams.get("hours") ?? "24");
    if (!hours.success) {
      sendError(res, 400, `hours: ${hours.error.issues[0]?.message ?? "invalid"} (an integer from 1 to 2160)`);
      return;
    }
    const env = envFilterSchema.safeParse(url.searchParams.get("env") ?? "");
    if (!env.success) {
      sendError(res, 400, `env: ${env.error.issues[0]?.message ?? "invalid"}`);
      return;
    }
    const counts = await loadRecentCounts(store, { hours: hours.data, env: env.data });
    sendJson(res, 200, counts);
  };
}

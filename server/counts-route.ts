import type { Store } from "../store/open";
import { requestSession } from "./auth/request-session";
import type { RequestHandler } from "../ingest/gateway/handler";
import { sendError, sendJson } from "../ingest/gateway/respond";
import { envFilterSchema, hoursSchema, loadRecentCounts } from "../dashboard/lib/queries/recent-counts";

/**
 * GET /api/v1/counts?hours=24&env=prod: the overview page's numbers as JSON
 * (same query code), for scripts and for tests that should not parse HTML.
 * Aggregates only, which every role may read, but never without a signed-in
 * dashboard session: counts of who touched which environment are themselves
 * sensitive.
 */
export function createCountsHandler(store: Store): RequestHandler {
  return async (req, res) => {
    if (req.method !== "GET") {
      sendError(res, 405, "use GET", {}, { allow: "GET" });
      return;
    }
    const session = await requestSession(store, req);
    if (!session.ok) {
      sendError(res, 401, "sign in to the dashboard first (the prodtrail_session cookie is missing or no longer valid)");
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

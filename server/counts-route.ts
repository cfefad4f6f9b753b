import type { Store } from "../store/open";
import { assertMayFilter, ForbiddenError, type Viewer } from "../dashboard/lib/auth/permissions";
import { requestSession } from "./auth/request-session";
import { recordAudit } from "./auth/record-audit";
import type { RequestHandler } from "../ingest/gateway/handler";
import { sendError, sendJson } from "../ingest/gateway/respond";
import { envFilterSchema, hoursSchema, loadRecentCounts } from "../dashboard/lib/queries/recent-counts";

/**
 * GET /api/v1/counts?hours=24&env=prod: the overview page's numbers as JSON
 * (same query code), for scripts and for tests that should not parse HTML.
 * Aggregates only, which every role may read, but never without a signed-in
 * dashboard session: counts of who touched which environment are themselves
 * sensitive. Every answer and every refusal is an audit.view record.
 *
 * It takes `hours` and `env` only. A filter the role may not use (q, actor,
 * host for a viewer) is a 403 naming it, recorded as refused; any other
 * parameter is a 400 naming it — never silently ignored, so nobody reads a
 * total they believe narrowed.
 */
const RESOURCE = "/api/v1/counts";
const TAKES = new Set(["hours", "env"]);

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
    const viewer: Viewer = { userId: session.user.userId, email: session.user.email, name: session.user.name, role: session.user.role, sessionId: session.session.sessionId };
    const url = new URL(req.url ?? "/", "http://localhost");
    const params = Object.fromEntries([...url.searchParams].map(([k, v]) => [k.slice(0, 64), v.slice(0, 200)]));
    try {
      assertMayFilter(viewer, { q: url.searchParams.get("q") ?? "", actor: url.searchParams.getAll("actor"), host: url.searchParams.getAll("host") });
    } catch (error) {
      if (!(error instanceof ForbiddenError)) throw error;
      await recordAudit(viewer, { action: "view", resource: RESOURCE, params, refused: error.message });
      sendError(res, 403, error.message);
      return;
    }
    const unknown = [...url.searchParams.keys()].find((k) => !TAKES.has(k));
    if (unknown !== undefined) {
      sendError(res, 400, `${JSON.stringify(unknown.slice(0, 64))} is not a parameter of ${RESOURCE}: it takes hours (1 to 2160) and env only`);
      return;
    }
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
    // Counted first, then audited, then answered: the answer still waits for
    // its audit record, but does not count the record of its own request.
    const counts = await loadRecentCounts(store, { hours: hours.data, env: env.data });
    await recordAudit(viewer, { action: "view", resource: RESOURCE, params: { hours: String(hours.data), env: env.data } });
    sendJson(res, 200, counts);
  };
}

import type { Store } from "../store/open";
import { cachedKeyLookup, checkToken } from "../ingest/auth/api-keys";
import { isLoopback, type ApiKeyPolicy } from "../ingest/gateway/authorize";
import type { RequestHandler } from "../ingest/gateway/handler";
import { sendError } from "../ingest/gateway/respond";
import { writeMetrics, type Registry } from "../lib/metrics";

/**
 * GET /metrics on serve's own listener. Who may scrape:
 * - a process on this host without credentials, under the default
 *   server.api_keys policy `loopback-exempt` (a Prometheus or node agent
 *   beside serve);
 * - anyone presenting an API key with the scope `metrics:read`
 *   (`prodtrail keys create --name prometheus --scope metrics:read`), which
 *   is how a Prometheus on another host scrapes (bearer_token in
 *   examples/prometheus.yml).
 * Everyone else gets 401: the figures name hosts' event rates and the
 * findings' severities, nothing an anonymous caller on the network should read.
 * Under `required` (behind a reverse proxy every caller looks local) the key is needed always.
 */
export function createMetricsHandler(options: { registry: Registry; store: Store; policy: ApiKeyPolicy; cacheMs?: number }): RequestHandler {
  const lookup = cachedKeyLookup(options.store, options.cacheMs);
  return async (req, res) => {
    req.resume();
    if (req.method !== "GET" && req.method !== "HEAD") {
      sendError(res, 405, "use GET /metrics", {}, { allow: "GET, HEAD" });
      return;
    }
    const header = req.headers.authorization;
    if (header === undefined) {
      if (options.policy === "loopback-exempt" && isLoopback(req.socket.remoteAddress)) return writeMetrics(options.registry, res);
      sendError(res, 401, "metrics need an API key with scope metrics:read ('prodtrail keys create --name prometheus --scope metrics:read'), or a scrape from this host", {}, { "www-authenticate": 'Bearer realm="prodtrail"' });
      return;
    }
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1] ?? "";
    const check = await checkToken(token, "metrics:read", lookup);
    if (!check.ok) {
      const status = check.reason === "scope" ? 403 : 401;
      sendError(res, status, check.reason === "scope" ? "this API key may not read metrics (scope metrics:read)" : "the API key was refused", {}, status === 401 ? { "www-authenticate": 'Bearer realm="prodtrail"' } : {});
      return;
    }
    await writeMetrics(options.registry, res);
  };
}

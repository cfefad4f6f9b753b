import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { RequestHandler } from "../ingest/gateway/handler";
import { sendError } from "../ingest/gateway/respond";
import { logAccess } from "./access-log";
import { checkRequestHost } from "./public-url";

export interface Routes {
  /** Exact API paths → handlers (the gateway, health, counts). */
  api: Record<string, RequestHandler>;
  /** Everything that is not /api/: the dashboard (Next). Absent in gateway-only tests. */
  fallback?: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** /api/ paths served by the dashboard's own route handlers (exports), passed to the fallback. */
  dashboardApi?: ReadonlySet<string>;
}

/**
 * The one request listener of `prodtrail serve`. Every request's Host (and
 * Origin) is checked first (ListenerOptions.allowedHosts). /api/v1/* and /api/health
 * belong to the gateway and never reach Next; an unknown /api/ path is a
 * JSON 404, not a dashboard page. A handler that throws answers 500 JSON
 * and is logged; it never takes the process down.
 */
export interface ListenerOptions {
  /**
   * The Host header values this server answers to (server/public-url.ts),
   * read per request: serve knows its port only once it listens. Absent:
   * no check (tests of routing alone).
   */
  allowedHosts?: () => ReadonlySet<string>;
}

export function createRequestListener(routes: Routes, log: Logger, options: ListenerOptions = {}): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    logAccess(log, req, res);
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    // Before any route, API or dashboard: a foreign Host or Origin (DNS rebinding) reaches nothing.
    if (options.allowedHosts) {
      const verdict = checkRequestHost({ host: req.headers.host, origin: req.headers.origin }, options.allowedHosts());
      if (!verdict.ok) {
        log.warn({ host: req.headers.host?.slice(0, 200), origin: req.headers.origin?.slice(0, 200), path, remote: req.socket.remoteAddress }, "request refused: foreign Host or Origin");
        req.resume();
        sendError(res, verdict.status, verdict.message, {}, { connection: "close" });
        return;
      }
    }
    const handler = Object.hasOwn(routes.api, path) ? routes.api[path] : undefined;
    const run = async () => {
      if (handler) return handler(req, res);
      if (routes.fallback && routes.dashboardApi?.has(path)) return routes.fallback(req, res);
      if (path.startsWith("/api/v1/") || path === "/api" || path.startsWith("/api/")) {
        req.resume();
        sendError(res, 404, `no such API endpoint: ${req.method ?? "?"} ${path}`);
        return;
      }
      if (routes.fallback) return routes.fallback(req, res);
      req.resume();
      sendError(res, 404, "the dashboard is not served by this server");
    };
    run().catch((error: unknown) => {
      log.error({ err: error, method: req.method, path }, "request handler failed");
      if (!res.headersSent) sendError(res, 500, "internal error; see the server log");
      else res.destroy();
    });
  };
}

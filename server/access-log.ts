import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";

/**
 * One structured line per request once the response is finished (or the
 * client went away). Query strings are left out: they may carry filters a
 * user did not mean to log. Static assets log at debug: a page load fetches
 * a dozen of them and they say nothing about who used the dashboard.
 */
export function logAccess(log: Logger, req: IncomingMessage, res: ServerResponse): void {
  const started = performance.now();
  const path = (req.url ?? "/").split("?")[0] ?? "/";
  const done = (event: "finish" | "close") => {
    res.off("finish", onFinish);
    res.off("close", onClose);
    const line = {
      method: req.method,
      path,
      status: res.statusCode,
      ms: Math.round((performance.now() - started) * 10) / 10,
      bytes_in: Number(req.headers["content-length"] ?? 0),
      remote: req.socket.remoteAddress,
      ...(event === "close" ? { aborted: true } : {}),
    };
    if (path.startsWith("/_next/")) log.debug(line, "request");
    else log.info(line, "request");
  };
  const onFinish = () => done("finish");
  const onClose = () => done("close");
  res.once("finish", onFinish);
  res.once("close", onClose);
}

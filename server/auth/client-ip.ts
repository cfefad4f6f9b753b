import type { IncomingMessage } from "node:http";

/**
 * The peer address of a request, handed to Next in CLIENT_IP_HEADER: Next 16
 * gives server actions and route handlers no socket, and sign-in rate limits
 * per IP. Whatever the client sent under that name is overwritten, so it
 * cannot pick its own bucket. Behind a reverse proxy every request shares
 * the proxy's address; the per-email part of the limit still holds.
 */
export const CLIENT_IP_HEADER = "x-prodtrail-client-ip";

export function stampClientIp<R extends IncomingMessage>(req: R): R {
  req.headers[CLIENT_IP_HEADER] = req.socket.remoteAddress ?? "";
  return req;
}

/** A request handler that stamps the client IP before handing on (the dashboard's, in serve.ts). */
export function withClientIp<R extends IncomingMessage, S>(handle: (req: R, res: S) => Promise<void>): (req: R, res: S) => Promise<void> {
  return (req, res) => handle(stampClientIp(req), res);
}

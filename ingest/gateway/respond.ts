import type { ServerResponse } from "node:http";

/**
 * Every gateway answer is JSON and never cached: a cached 200 for a batch
 * would tell a retrying collector its events were stored when they were not.
 */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "cache-control": "no-store",
    "content-length": String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** `{ error }` with the status; extra fields (rejected, limit…) beside it. */
export function sendError(res: ServerResponse, status: number, error: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): void {
  sendJson(res, status, { error, ...extra }, headers);
}

import type { IncomingMessage } from "node:http";

export type BodyResult =
  | { ok: true; bytes: Buffer }
  | { ok: false; reason: "too-large"; limit: number; declared?: number }
  | { ok: false; reason: "aborted"; error: Error };

/**
 * Reads a request body as a stream, holding at most `limit` bytes. A body
 * that declares (Content-Length) or reaches more than the limit is refused
 * at once; the rest of the upload is read and discarded, not held, so the
 * client is not cut off mid-write and can read the 413 (undici and curl both
 * report a reset instead of the answer if the socket closes under them).
 */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const declaredHeader = req.headers["content-length"];
  const declared = declaredHeader === undefined ? undefined : Number(declaredHeader);
  if (declared !== undefined && Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.resolve({ ok: false, reason: "too-large", limit, declared });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const settle = (result: BodyResult) => {
      if (settled) return;
      settled = true;
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) {
        chunks.length = 0;
        settle({ ok: false, reason: "too-large", limit });
        // Keep draining into nothing; the response closes the connection.
        req.resume();
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => settle({ ok: true, bytes: Buffer.concat(chunks, received) });
    const onError = (error: Error) => settle({ ok: false, reason: "aborted", error });
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("aborted", () => onError(new Error("client aborted the request")));
  });
}

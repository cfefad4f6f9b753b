import type { IncomingMessage } from "node:http";
import type { Store } from "../../store/open";
import { resolveSession, SESSION_COOKIE, type SessionCheck } from "./sessions";

/**
 * The dashboard session cookie of a plain node:http request (routes served
 * outside Next). A value whose % escapes do not decode is no token: the
 * request is answered as signed out, never with a 500 (issue #9).
 */
export function sessionToken(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name !== SESSION_COOKIE) continue;
    try {
      return decodeURIComponent(value.join("="));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export async function requestSession(store: Store, req: IncomingMessage): Promise<SessionCheck> {
  const token = sessionToken(req);
  return token === undefined ? { ok: false, reason: "unknown" } : resolveSession(store, token);
}

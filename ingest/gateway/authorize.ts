import type { IncomingMessage } from "node:http";
import type { AuditEvent } from "../../schemas";
import type { Store } from "../../store/open";
import { cachedKeyLookup, checkToken, type ApiKeyInfo } from "../auth/api-keys";

/**
 * Who may post events. `loopback-exempt` (the default) lets processes on the
 * gateway's own host post without a key — the in-process demo fleet, a
 * collector on the same machine — and requires a key from everyone else;
 * `required` requires one always (use it behind a reverse proxy on the same
 * host, where every request looks local). A key speaks for one collector:
 * events that carry a collector_id must carry the key's name, so a key stolen
 * from web-01 cannot write into db-01's signed stream.
 */
export type ApiKeyPolicy = "loopback-exempt" | "required";

export type Authorization = { ok: true; key: ApiKeyInfo | undefined } | { ok: false; status: 401 | 403; message: string };

export type Authorizer = (req: IncomingMessage) => Promise<Authorization>;

const LOOPBACK = /^(?:127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;

export function isLoopback(address: string | undefined): boolean {
  return address !== undefined && LOOPBACK.test(address);
}

const REASONS: Record<string, string> = {
  malformed: "the API key is malformed (expected ptk_<id>_<secret> from 'prodtrail keys create')",
  unknown: "the API key is not known to this server",
  "bad-secret": "the API key is not valid",
  revoked: "the API key was revoked; create a new one with 'prodtrail keys create'",
  scope: "the API key may not write events (scope events:write)",
};

export function createKeyAuthorizer(store: Store, policy: ApiKeyPolicy, cacheMs = 10_000): Authorizer {
  const lookup = cachedKeyLookup(store, cacheMs);
  return async (req) => {
    const header = req.headers.authorization;
    if (header === undefined) {
      if (policy === "loopback-exempt" && isLoopback(req.socket.remoteAddress)) return { ok: true, key: undefined };
      return { ok: false, status: 401, message: "an API key is required: send 'Authorization: Bearer ptk_…' (create one with 'prodtrail keys create --name <collector>')" };
    }
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (!token) return { ok: false, status: 401, message: "the Authorization header must be 'Bearer <API key>'" };
    const check = await checkToken(token, "events:write", lookup);
    if (check.ok) return { ok: true, key: check.key };
    return { ok: false, status: check.reason === "scope" ? 403 : 401, message: REASONS[check.reason] ?? "the API key was refused" };
  };
}

/** Events a key may not write: those naming another collector. */
export function foreignCollectorEvents(events: readonly AuditEvent[], key: ApiKeyInfo | undefined): number[] {
  if (!key) return [];
  const foreign: number[] = [];
  events.forEach((e, i) => {
    if (e.collector_id !== undefined && e.collector_id !== key.name) foreign.push(i);
  });
  return foreign;
}

import type { IncomingMessage } from "node:http";
import type { AuditEvent, FieldIssue } from "../../schemas";
import { globMatcher } from "../../lib/glob";
import type { Store } from "../../store/open";
import { cachedKeyLookup, checkToken, type ApiKeyInfo } from "../auth/api-keys";

/**
 * Who may post events. `loopback-exempt` (the default) lets processes on the
 * gateway's own host post without a key — the in-process demo fleet, a
 * collector on the same machine — and requires a key from everyone else;
 * `required` requires one always (use it behind a reverse proxy on the same
 * host, where every request looks local). A key speaks for one collector
 * and the hosts it was issued for (bindIdentity below), so a key stolen
 * from web-01 cannot write into db-01's signed stream or as host db-01.
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

export interface IdentityRejection {
  index: number;
  event_id: string;
  issues: FieldIssue[];
}

const hostMatchers = new Map<string, (host: string) => boolean>();

/** Whether `key` may write events for `host` (its hosts are names or globs; compiled once per key). */
export function keyCoversHost(key: ApiKeyInfo, host: string): boolean {
  const cacheKey = `${key.keyId}\u0000${key.hosts.join(",")}`;
  let matches = hostMatchers.get(cacheKey);
  if (matches === undefined) {
    // A key's host list never holds '/', so every glob matches the whole name.
    matches = globMatcher(key.hosts);
    if (hostMatchers.size > 10_000) hostMatchers.clear();
    hostMatchers.set(cacheKey, matches);
  }
  return matches(host);
}

/**
 * The writer's identity, stamped and checked; the body is not trusted.
 * With a key: an event's collector_id is the key's name (stamped on
 * unsigned events that name none; a signed event must name it, the
 * signature covers it) and its host one the key was issued for. Without a
 * key (an unauthenticated post from this host under loopback-exempt): an
 * event may name a collector only if it is part of that collector's signed
 * chain (a head with its signature, or an unsigned link a later head vouches
 * for: collect/sign head signing), which the integrity job verifies against
 * that collector's enrolled key; anonymous
 * events (no collector_id) are taken for any host.
 */
export function bindIdentity(events: readonly AuditEvent[], key: ApiKeyInfo | undefined): { events: AuditEvent[]; rejected: IdentityRejection[] } {
  const rejected: IdentityRejection[] = [];
  const out = events.map((event, index) => {
    const issues: FieldIssue[] = [];
    const at = (field: string) => `events[${index}].${field}`;
    let bound = event;
    if (key !== undefined) {
      if (event.collector_id !== undefined && event.collector_id !== key.name) {
        issues.push({ field: at("collector_id"), message: `${event.collector_id} is not the collector of API key ${key.name}; a key writes only as its own collector` });
      } else if (event.collector_id === undefined) {
        if (event.hash !== undefined) issues.push({ field: at("collector_id"), message: `a signed event must name its collector (${key.name}); the signature covers it` });
        else bound = { ...event, collector_id: key.name };
      }
      if (!keyCoversHost(key, event.host)) {
        issues.push({ field: at("host"), message: `${event.host} is not a host of API key ${key.name} (issued for ${key.hosts.join(", ")}); 'prodtrail keys create --name ${key.name} --hosts …' issues a key for more hosts` });
      }
    } else if (event.collector_id !== undefined && event.hash === undefined) {
      issues.push({ field: at("collector_id"), message: `an unauthenticated post may name a collector (${event.collector_id}) only on events that collector signed; send its API key ('prodtrail keys create --name ${event.collector_id}')` });
    }
    if (issues.length > 0) rejected.push({ index, event_id: event.event_id, issues });
    return bound;
  });
  return { events: out, rejected };
}

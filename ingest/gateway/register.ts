import type { IncomingMessage } from "node:http";
import type { Logger } from "pino";
import { z } from "zod";
import { activeKey, canonicalPublicKey, listCollectorKeys, registerCollectorKey } from "../../store/collector-keys";
import type { Store } from "../../store/open";
import { cachedKeyLookup, checkToken } from "../auth/api-keys";
import { enrolmentTokenSchema, useEnrolment, type EnrolmentCheck } from "../auth/enrolment";
import type { RefusalRecorder } from "../auth/refusals";
import { createKeyAuthorizer, type ApiKeyPolicy, type Authorization } from "./authorize";
import { readBody } from "./body";
import type { RequestHandler } from "./handler";
import { sendError, sendJson } from "./respond";

/**
 * POST /api/v1/collectors/register `{collector_id, public_key}`: a collector
 * registers its Ed25519 public key (PEM or 32 raw bytes in base64) on first
 * run. Who may: a key with scope events:write or keys:register whose name is
 * the collector id, or — under the loopback-exempt policy — a process on
 * this host; and a collector's first key (or its first after an admin
 * revoked the last) also needs `enrolment_token`, the one-time token an
 * admin issued for that collector id (`prodtrail collectors enroll <id>`),
 * so no process can squat a collector id before the real collector starts.
 * The first key is stored (200), the same key again is 200, a
 * different key while one is active is 409: replacing a stream's key is an
 * admin act (`prodtrail collectors revoke`, then register), or a stolen API
 * key could re-key the stream it writes.
 */
export const REGISTER_PATH = "/api/v1/collectors/register";

/** A PEM public key is ~113 bytes; 16 KiB leaves room and refuses uploads. */
const MAX_BODY_BYTES = 16 * 1024;

const bodySchema = z.strictObject({
  // Same rule as collect.collector_id in prodtrail.yaml (config/collect.ts).
  collector_id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, { message: "letters, digits, '.', '_', '-' (max 128), starting with a letter or digit" }),
  public_key: z.string().min(1).max(4096),
  enrolment_token: enrolmentTokenSchema.optional(),
});

type EnrolmentRefused = Extract<EnrolmentCheck, { ok: false }>;

const ENROLMENT_REFUSED: Record<EnrolmentRefused["reason"], (collectorId: string, check: EnrolmentRefused) => string> = {
  malformed: () => "the enrolment token is malformed",
  unknown: () => "the enrolment token is not known to this server",
  "other-collector": (id, check) => `the enrolment token was issued for collector ${check.enrolment?.collectorId ?? "?"}, not ${id}`,
  used: (_id, check) => `the enrolment token was already used at ${check.enrolment?.usedAt ?? "?"}; issue a new one`,
  expired: (_id, check) => `the enrolment token expired at ${check.enrolment?.expiresAt ?? "?"}; issue a new one`,
};

export function createRegisterHandler(options: { store: Store; policy: ApiKeyPolicy; log: Logger; cacheMs?: number; refusals?: RefusalRecorder }): RequestHandler {
  const { store, log } = options;
  const authorizeWrite = createKeyAuthorizer(store, options.policy, options.cacheMs);
  const lookup = cachedKeyLookup(store, options.cacheMs);
  // One registration at a time in this process: two different first keys racing would both see "no key yet".
  let queue: Promise<unknown> = Promise.resolve();

  const authorize = async (req: IncomingMessage): Promise<Authorization> => {
    const write = await authorizeWrite(req);
    if (write.ok || write.status !== 403) return write;
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1] ?? "";
    const check = await checkToken(token, "keys:register", lookup);
    return check.ok ? { ok: true, key: check.key } : { ok: false, status: 403, message: "the API key may not register collector keys (scope events:write or keys:register)" };
  };

  return async (req, res) => {
    if (req.method !== "POST") {
      req.resume();
      sendError(res, 405, `${req.method ?? "?"} is not allowed here; POST {"collector_id", "public_key"}`, {}, { allow: "POST" });
      return;
    }
    const auth = await authorize(req);
    if (!auth.ok) {
      req.resume();
      log.warn({ status: auth.status, remote: req.socket.remoteAddress }, "register: request refused by API-key check");
      sendError(res, auth.status, auth.message, {}, auth.status === 401 ? { "www-authenticate": 'Bearer realm="prodtrail"' } : {});
      return;
    }
    const body = await readBody(req, MAX_BODY_BYTES);
    if (!body.ok) {
      if (body.reason === "too-large") sendError(res, 413, `request body exceeds ${MAX_BODY_BYTES} bytes`, {}, { connection: "close" });
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(body.bytes.toString("utf8"));
    } catch {
      sendError(res, 400, 'request body is not JSON; send {"collector_id": "...", "public_key": "..."}');
      return;
    }
    const parsed = bodySchema.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ field: i.path.join(".") || "(body)", message: i.message }));
      sendError(res, 400, `invalid registration: ${issues.map((i) => `${i.field}: ${i.message}`).join("; ")}`, { issues });
      return;
    }
    const { collector_id: collectorId, public_key: publicKey } = parsed.data;
    try {
      canonicalPublicKey(publicKey);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      sendError(res, 400, `public_key is not an Ed25519 public key (SPKI PEM, or the 32 raw bytes in base64): ${why}`, { issues: [{ field: "public_key", message: why }] });
      return;
    }
    if (auth.key !== undefined && auth.key.name !== collectorId) {
      sendError(res, 403, `API key ${auth.key.name} may only register the key of collector ${auth.key.name}, not ${collectorId}`);
      return;
    }
    const registeredBy = auth.key !== undefined ? `api-key:${auth.key.keyId}` : `loopback:${req.socket.remoteAddress ?? "?"}`;
    const run = queue.then(async () => {
      const keys = await listCollectorKeys(store, collectorId);
      const canonical = canonicalPublicKey(publicKey);
      const firstKey = !keys.some((k) => k.publicKey === canonical) && activeKey(keys) === undefined;
      if (!firstKey) return registerCollectorKey(store, { collectorId, publicKey, registeredBy });
      const token = parsed.data.enrolment_token;
      const check: EnrolmentCheck = token === undefined ? { ok: false, reason: "malformed" } : await useEnrolment(store, token, collectorId, registeredBy);
      if (!check.ok) {
        const why = token === undefined ? "a collector's first key needs an enrolment token" : ENROLMENT_REFUSED[check.reason](collectorId, check);
        return { outcome: "unenrolled" as const, why };
      }
      return registerCollectorKey(store, { collectorId, publicKey, registeredBy });
    });
    queue = run.catch(() => undefined);
    const result = await run;
    if (result.outcome === "unenrolled") {
      const message = `${result.why}: an admin issues one with 'prodtrail collectors enroll ${collectorId}', the collector sends it once as enrolment_token (collect.sink.enrolment_token)`;
      options.refusals?.record({ kind: "enrolment", writer: auth.key?.name ?? "loopback", detail: `collector ${collectorId}: ${result.why}`, ...(req.socket.remoteAddress ? { remote: req.socket.remoteAddress } : {}) });
      sendError(res, 403, message, { issues: [{ field: "enrolment_token", message: result.why }] });
      return;
    }
    if (result.outcome === "registered" || result.outcome === "unchanged") {
      if (result.outcome === "registered") log.info({ collector_id: collectorId, registered_by: registeredBy }, "collector key registered");
      sendJson(res, 200, { collector_id: collectorId, public_key: result.key.publicKey, status: result.outcome, registered_at: result.key.registeredAt });
      return;
    }
    if (result.outcome === "conflict") {
      log.warn({ collector_id: collectorId, registered_by: registeredBy }, "register: a different key for a collector with an active key refused");
      sendError(
        res,
        409,
        `collector ${collectorId} already has a different active key (registered ${result.active.registeredAt}); replacing it is an admin act: 'prodtrail collectors revoke ${collectorId}' then register again`,
        { active_public_key: result.active.publicKey },
      );
      return;
    }
    sendError(res, 409, `this key was revoked for collector ${collectorId} at ${result.key.revokedAt ?? "?"}; a revoked key is never accepted again — generate a new key`);
  };
}

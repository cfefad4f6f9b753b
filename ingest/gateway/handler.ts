import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { Sink } from "../../collect/sink";
import { BATCH_LIMITS, parseBatch, serverOnlyRejections } from "../../schemas";
import type { RefusalRecorder } from "../auth/refusals";
import { readBody } from "./body";
import { findJsonSyntaxError } from "./json-error";
import { sendError, sendJson } from "./respond";
import { answerFinalRefusal } from "./final-refusals";
import { bindIdentity, type Authorizer } from "./authorize";
import { refuseWrite } from "./refuse";
import type { GatewayCounters } from "./counters";

export interface GatewayOptions {
  sink: Sink;
  log: Logger;
  /** Defaults to BATCH_LIMITS.maxBodyBytes (8 MiB); tests may lower it. */
  maxBodyBytes?: number;
  /** Seconds a collector should wait before resending after a 503. */
  retryAfterSeconds?: number;
  /** API-key check; absent: no authentication (tests of the parsing paths). */
  authorize?: Authorizer;
  /** Where refusals that matter to security are recorded as findings (ingest/auth/refusals.ts). */
  refusals?: RefusalRecorder;
  /** Accepted/refused counts for /metrics and /api/health (ingest/gateway/counters.ts). */
  counters?: GatewayCounters;
}

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

const utf8 = new TextDecoder("utf-8", { fatal: true });

function mediaType(req: IncomingMessage): string {
  return (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

/**
 * POST /api/v1/events: `{ "events": [...] }`, all or nothing. The answer is
 * 200 only after the sink has made every event durable (embedded mode: the
 * store insert returned), so a collector may drop a batch from its spool on
 * 200 and must keep it on anything else.
 */
export function createEventsHandler(options: GatewayOptions): RequestHandler {
  const limit = options.maxBodyBytes ?? BATCH_LIMITS.maxBodyBytes;
  const retryAfter = String(options.retryAfterSeconds ?? 5);
  const log = options.log;
  const counters = options.counters;

  return async (req, res) => {
    if (req.method !== "POST") {
      req.resume();
      counters?.refused("method");
      sendError(res, 405, `${req.method ?? "?"} is not allowed here; POST a batch {"events": [...]}`, {}, { allow: "POST" });
      return;
    }
    const auth = options.authorize ? await options.authorize(req) : { ok: true as const, key: undefined };
    if (!auth.ok) {
      req.resume();
      log.warn({ status: auth.status, remote: req.socket.remoteAddress }, "events: request refused by API-key check");
      counters?.refused("unauthorized");
      sendError(res, auth.status, auth.message, {}, auth.status === 401 ? { "www-authenticate": 'Bearer realm="prodtrail"' } : {});
      return;
    }
    const type = mediaType(req);
    if (type !== "application/json") {
      req.resume();
      counters?.refused("media-type");
      sendError(res, 415, `content-type must be application/json, got ${type === "" ? "none" : JSON.stringify(type)}`);
      return;
    }
    const encoding = (req.headers["content-encoding"] ?? "identity").toLowerCase();
    if (encoding !== "identity") {
      req.resume();
      counters?.refused("media-type");
      sendError(res, 415, `content-encoding ${JSON.stringify(encoding)} is not supported; send the JSON uncompressed`);
      return;
    }
    const body = await readBody(req, limit);
    if (!body.ok) {
      if (body.reason === "aborted") {
        log.warn({ err: body.error }, "events: request aborted while reading the body");
        return;
      }
      log.warn({ limit, declared: body.declared }, "events: body over the limit refused");
      counters?.refused("too-large");
      // Connection: close — the unread rest of the upload is discarded, not kept on a keep-alive socket.
      sendError(
        res,
        413,
        `request body exceeds the limit of ${limit} bytes (${limit / 1024 / 1024} MiB); split the batch (at most ${BATCH_LIMITS.maxEvents} events)`,
        { limit_bytes: limit },
        { connection: "close" },
      );
      return;
    }
    let text: string;
    try {
      text = utf8.decode(body.bytes);
    } catch {
      counters?.refused("invalid-utf8");
      sendError(res, 400, "request body is not valid UTF-8");
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      counters?.refused("invalid-json");
      const problem = findJsonSyntaxError(text);
      const where = problem ? `at line ${problem.line}, column ${problem.column} (position ${problem.position}): ${problem.message}` : "(position unknown)";
      sendError(res, 400, `invalid JSON ${where}`, problem ? { position: problem.position, line: problem.line, column: problem.column } : {});
      return;
    }
    const batch = parseBatch(json);
    if (!batch.ok) {
      counters?.refused("invalid-batch", batch.rejected.length);
      const first = batch.rejected[0]?.issues[0] ?? batch.issues?.[0];
      const summary = first ? `${first.field}: ${first.message}` : "invalid batch";
      const error =
        batch.rejected.length > 0
          ? `${batch.rejected.length} event(s) rejected, nothing of this batch was stored; first: ${summary}`
          : `invalid batch, nothing was stored: ${summary}`;
      sendError(res, 400, error, { rejected: batch.rejected, ...(batch.issues ? { issues: batch.issues } : {}) });
      return;
    }
    const writer = auth.key?.name ?? "loopback";
    const serverOnly = serverOnlyRejections(batch.events);
    if (serverOnly.length > 0) {
      counters?.refused("server-only", batch.events.length);
      refuseWrite(req, res, { kind: "server-only", writer, lead: "these are records only the prodtrail server writes", rejected: serverOnly, recorder: options.refusals });
      return;
    }
    const identity = bindIdentity(batch.events, auth.key);
    if (identity.rejected.length > 0) {
      counters?.refused("identity", batch.events.length);
      const lead = auth.key ? `API key ${auth.key.name} writes only as collector ${auth.key.name} for hosts ${auth.key.hosts.join(", ")}` : "an unauthenticated post may not claim a collector it cannot prove";
      const host = batch.events[identity.rejected[0]?.index ?? 0]?.host;
      refuseWrite(req, res, { kind: "identity", writer, lead, rejected: identity.rejected, recorder: options.refusals, ...(host !== undefined ? { host } : {}) });
      return;
    }
    try {
      await options.sink.publish(identity.events);
    } catch (error) {
      if (answerFinalRefusal(res, error, log)) {
        counters?.refused("final-refusal", batch.events.length);
        return;
      }
      counters?.refused("sink-unavailable", batch.events.length);
      log.error({ err: error, sink: options.sink.name, events: batch.events.length }, "events: sink failed; batch not accepted");
      sendError(
        res,
        503,
        `the batch could not be stored (${options.sink.name} unavailable); nothing was accepted, resend it after ${retryAfter} s`,
        { retry_after_seconds: Number(retryAfter) },
        { "retry-after": retryAfter },
      );
      return;
    }
    log.debug({ events: batch.events.length, sink: options.sink.name }, "events: batch accepted");
    counters?.accepted(batch.events.length);
    sendJson(res, 200, { accepted: batch.events.length });
  };
}

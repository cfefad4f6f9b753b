import type { Logger } from "pino";
import { driftGate, GateCommitUnknownError, gateRequestSchema } from "../../drift/gate";
import { gateExitCode } from "../../drift/gate-report";
import type { Store } from "../../store/open";
import { cachedKeyLookup, checkToken } from "../auth/api-keys";
import { keyCoversHost } from "./authorize";
import { readBody } from "./body";
import type { RequestHandler } from "./handler";
import { sendError, sendJson } from "./respond";

/**
 * POST /api/v1/drift/gate — the pre-deploy gate (drift/gate.ts) for
 * pipelines that cannot run the CLI. Body `{ repo, commit, env, hosts? }`;
 * answer 200 with the report and `exit_code` (0 nothing to lose, 3 the
 * release would overwrite direct edits: the moment they can still be saved),
 * the same as `prodtrail drift gate --json`.
 *
 * Authenticated with a deploy-scoped API key, always (no loopback
 * exemption: the answer names who edited what on which host): scope
 * `drift:gate` (`prodtrail keys create --name deploy --scope drift:gate
 * --hosts 'web-*'`). The key's hosts bound what it may ask about: every
 * host named must be covered, and asking without hosts needs a key for `*`.
 */
export const DRIFT_GATE_PATH = "/api/v1/drift/gate";
const MAX_BODY = 1024 * 1024;

export function createDriftGateHandler(options: { store: Store; log: Logger; cacheMs?: number }): RequestHandler {
  const lookup = cachedKeyLookup(options.store, options.cacheMs ?? 10_000);
  return async (req, res) => {
    if (req.method !== "POST") {
      req.resume();
      sendError(res, 405, 'use POST with {"repo", "commit", "env", "hosts"?}', {}, { allow: "POST" });
      return;
    }
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
    if (token === undefined) {
      req.resume();
      sendError(res, 401, "a deploy API key is required: send 'Authorization: Bearer ptk_…' (create one with 'prodtrail keys create --name deploy --scope drift:gate')", {}, { "www-authenticate": 'Bearer realm="prodtrail"' });
      return;
    }
    const check = await checkToken(token, "drift:gate", lookup);
    if (!check.ok) {
      req.resume();
      options.log.warn({ reason: check.reason, remote: req.socket.remoteAddress }, "drift gate: API key refused");
      const scope = check.reason === "scope";
      sendError(res, scope ? 403 : 401, scope ? "the API key may not ask the drift gate (scope drift:gate)" : `the API key was refused (${check.reason})`);
      return;
    }
    const body = await readBody(req, MAX_BODY);
    if (!body.ok) {
      if (body.reason === "too-large") sendError(res, 413, `the body is over ${MAX_BODY} bytes`, {}, { connection: "close" });
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(body.bytes.toString("utf8"));
    } catch {
      sendError(res, 400, 'the body is not JSON; send {"repo", "commit", "env", "hosts"?}');
      return;
    }
    const parsed = gateRequestSchema.safeParse(json);
    if (!parsed.success) {
      sendError(res, 400, parsed.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; "));
      return;
    }
    const key = check.key;
    const outside = parsed.data.hosts.length === 0 ? (keyCoversHost(key, "*") && key.hosts.includes("*") ? [] : ["(all hosts)"]) : parsed.data.hosts.filter((h) => !keyCoversHost(key, h));
    if (outside.length > 0) {
      sendError(res, 403, `the key ${key.name} may not ask about ${outside.join(", ")}: name hosts it covers (${key.hosts.join(", ")})`);
      return;
    }
    try {
      const report = await driftGate(options.store, parsed.data);
      options.log.info({ key: key.keyId, repo: report.repo, commit: report.commit, env: report.env, would_overwrite: report.would_overwrite.length }, "drift gate answered");
      sendJson(res, 200, { ...report, exit_code: gateExitCode(report) });
    } catch (error) {
      if (!(error instanceof GateCommitUnknownError)) throw error;
      sendError(res, 409, error.message);
    }
  };
}

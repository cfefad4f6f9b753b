import type { Logger } from "../../lib/log";

export interface RegisterOptions {
  /** The gateway's base URL (collect.sink.url). */
  url: string;
  apiKey?: string;
  /** One-time token from `prodtrail collectors enroll <collector_id>`: needed for the first registration only. */
  enrolmentToken?: string;
  collectorId: string;
  publicKeyPem: string;
  log: Logger;
  /** Between attempts while the gateway is unreachable or failing. Default 60 s. */
  retryMs?: number;
}

export type RegisterOutcome = "registered" | "conflict" | "unsupported" | "refused" | "stopped";

/**
 * Tells the gateway this collector's public key (`POST /api/v1/collectors/register`
 * `{collector_id, public_key}`, PEM), so ingest can verify the signatures.
 * Runs beside the agent, never blocking it: the spool holds events meanwhile,
 * and ingest flags (never drops) events it cannot verify yet.
 * 200 registered; 409 another key holds this collector id (logged at error:
 * its events will show as badly signed); 404 an older server without the
 * endpoint (warn, give up); 401/403 the API key or a missing, used or
 * expired enrolment token (error naming which, give up);
 * unreachable or 5xx: retried every `retryMs` until `signal` aborts.
 */
export async function registerCollectorKey(opts: RegisterOptions, signal: AbortSignal): Promise<RegisterOutcome> {
  const endpoint = new URL("api/v1/collectors/register", opts.url.endsWith("/") ? opts.url : `${opts.url}/`).toString();
  const log = opts.log.child({ endpoint });
  while (!signal.aborted) {
    let status: number;
    let text = "";
    try {
      const res = await fetch(endpoint, {
        method: "POST",
        headers: { "content-type": "application/json", ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}) },
        body: JSON.stringify({ collector_id: opts.collectorId, public_key: opts.publicKeyPem, ...(opts.enrolmentToken ? { enrolment_token: opts.enrolmentToken } : {}) }),
        redirect: "error",
        signal: AbortSignal.any([signal, AbortSignal.timeout(10_000)]),
      });
      status = res.status;
      text = (await res.text().catch(() => "")).slice(0, 300);
    } catch (err) {
      if (signal.aborted) break;
      log.warn({ err: err instanceof Error ? err.message : String(err), retry_ms: opts.retryMs ?? 60_000 }, "collector key registration: gateway unreachable; retrying");
      await sleep(opts.retryMs ?? 60_000, signal);
      continue;
    }
    if (status >= 200 && status < 300) {
      log.info("collector public key registered with the gateway");
      return "registered";
    }
    if (status === 409) {
      log.error({ response: text }, "collector key registration refused: another public key is registered for this collector_id — its events will fail signature checks; revoke the old key or pick another collector_id");
      return "conflict";
    }
    if (status === 404) {
      log.warn("collector key registration: the gateway has no /api/v1/collectors/register (older server); register the key with `prodtrail collectors register <id> --file collector.pub`");
      return "unsupported";
    }
    if (status === 401 || status === 403) {
      const enrolment = text.includes('"enrolment_token"');
      log.error(
        { status, response: text },
        enrolment
          ? `collector key registration refused: a first registration needs a valid enrolment token; an admin runs 'prodtrail collectors enroll ${opts.collectorId}' and puts the token in collect.sink.enrolment_token`
          : "collector key registration refused: check collect.sink.api_key",
      );
      return "refused";
    }
    log.warn({ status, response: text, retry_ms: opts.retryMs ?? 60_000 }, "collector key registration failed; retrying");
    await sleep(opts.retryMs ?? 60_000, signal);
  }
  return "stopped";
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

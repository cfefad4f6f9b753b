import { z } from "zod";
import type { Logger } from "../lib/log";

/**
 * Posts events to a prodtrail gateway exactly as collectors do:
 * `POST /api/v1/events` with `{events:[...]}`, at most 1000 per request.
 * Network errors and 5xx are retried with exponential backoff (the gateway
 * answers only after the write, so a retry of a stored batch is a no-op
 * thanks to deterministic event ids); a 400 is a bug in the generator and
 * stops with the gateway's per-event issues.
 */
export const MAX_BATCH = 1000;
const RETRIES = 8;
/** 250 ms doubling to 16 s: rides out a gateway restart (~10 s) without hammering it. */
const BASE_DELAY_MS = 250;
const MAX_DELAY_MS = 16_000;

const rejectionSchema = z.looseObject({
  error: z.string().optional(),
  rejected: z.array(z.looseObject({ index: z.number(), event_id: z.string().optional(), issues: z.array(z.object({ field: z.string(), message: z.string() })) })).optional(),
  issues: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});

export class DemoPostError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "DemoPostError";
  }
}

export interface PosterOptions {
  gatewayUrl: string;
  log: Logger;
  signal?: AbortSignal;
}

export function eventsEndpoint(gatewayUrl: string): string {
  let url: URL;
  try {
    url = new URL("/api/v1/events", gatewayUrl);
  } catch {
    throw new DemoPostError(`gateway URL '${gatewayUrl}' is not a URL (expected e.g. http://127.0.0.1:3000)`);
  }
  return url.toString();
}

/** Posts all events in chunks of ≤ MAX_BATCH, in order; resolves once every chunk was acknowledged. */
export async function postEvents(events: readonly unknown[], options: PosterOptions): Promise<void> {
  for (let i = 0; i < events.length; i += MAX_BATCH) await postChunk(events.slice(i, i + MAX_BATCH), options);
}

async function postChunk(events: readonly unknown[], { gatewayUrl, log, signal }: PosterOptions): Promise<void> {
  const url = eventsEndpoint(gatewayUrl);
  const body = JSON.stringify({ events });
  for (let attempt = 0; ; attempt += 1) {
    signal?.throwIfAborted();
    let status: number | undefined;
    let text = "";
    try {
      const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body, ...(signal ? { signal } : {}) });
      status = response.status;
      text = await response.text();
      if (response.ok) return;
      if (status === 400 || status === 413 || status === 422) throw new DemoPostError(describeRejection(status, text, events), status);
      if (status < 500 && status !== 429) throw new DemoPostError(`gateway ${url} answered ${status}: ${text.slice(0, 500)}`, status);
    } catch (error) {
      if (error instanceof DemoPostError || signal?.aborted) throw error;
      text = error instanceof Error ? (error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message) : String(error);
    }
    if (attempt >= RETRIES) throw new DemoPostError(`gateway ${url} still failing after ${RETRIES + 1} attempts: ${status ?? "network error"} ${text.slice(0, 300)}`, status);
    const delay = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt);
    log.warn({ url, status, attempt: attempt + 1, delay_ms: delay, error: text.slice(0, 300) }, "demo post failed, retrying");
    await sleep(delay, signal);
  }
}

function describeRejection(status: number, text: string, events: readonly unknown[]): string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return `gateway refused a batch of ${events.length} demo events (${status}): ${text.slice(0, 500)}`;
  }
  const parsed = rejectionSchema.safeParse(json);
  if (!parsed.success) return `gateway refused a batch of ${events.length} demo events (${status}): ${text.slice(0, 500)}`;
  const lines = [...(parsed.data.issues ?? []).map((i) => `  ${i.field}: ${i.message}`)];
  for (const r of (parsed.data.rejected ?? []).slice(0, 20)) {
    for (const i of r.issues) lines.push(`  event ${r.index}${r.event_id ? ` (${r.event_id})` : ""}: ${i.field}: ${i.message}`);
  }
  const more = (parsed.data.rejected?.length ?? 0) > 20 ? `\n  … and ${(parsed.data.rejected?.length ?? 0) - 20} more events` : "";
  return `gateway refused a batch of ${events.length} demo events (${status}${parsed.data.error ? `: ${parsed.data.error}` : ""}):\n${lines.join("\n")}${more}`;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

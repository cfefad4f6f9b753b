import { z } from "zod";
import { BATCH_LIMITS, type AuditEvent, type FieldIssue, type RejectedEvent } from "../../schemas";
import type { Sink } from "../sink";

export interface HttpSinkOptions {
  /** Base URL of a `prodtrail serve` gateway, e.g. http://prodtrail.internal:3000 */
  url: string;
  /** Per-collector API key; sent as `Authorization: Bearer <key>`. */
  apiKey?: string;
  /** One request's deadline; a timeout is retriable. Default 30 s. */
  timeoutMs?: number;
}

/** The gateway did not confirm the events. `retriable` false: resending the same request cannot succeed. */
export class HttpSinkError extends Error {
  override readonly name: string = "HttpSinkError";
  constructor(
    message: string,
    readonly url: string,
    readonly events: number,
    readonly retriable: boolean,
    /** HTTP status, absent when no response arrived (connection refused, timeout). */
    readonly status: number | undefined,
    /** From Retry-After on 429/503, when the gateway asked for a pause. */
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * A final refusal: resending the same request can never succeed. The
 * gateway stored nothing of it (all or nothing) and, when it can, names the
 * refused events and why; the rest may be resent without them.
 *  - 400: invalid events (schema), each named;
 *  - 409: events whose ids are stored with other content (conflict), each named;
 *  - 413: the request is over the gateway's body limit (none named: split it;
 *    a single event that is still too large is refused for good);
 *  - 422: the store refused the rows for good (none named: split it);
 *  - 403 that names events: records this key may not write (server-only
 *    types, another collector's id, a host the key was not issued for).
 *    A 403 naming no event is the key itself (missing scope, revoked): not
 *    final for the events, which stay spooled until the key is fixed.
 */
export class HttpSinkRejectedError extends HttpSinkError {
  override readonly name = "HttpSinkRejectedError";
  constructor(
    url: string,
    events: number,
    /** Indexes are positions in the `publish` call's array. */
    readonly rejected: RejectedEvent[],
    /** Problems with the request as a whole (e.g. not an object). */
    readonly issues: FieldIssue[],
    status: FinalStatus = 400,
  ) {
    const first = rejected[0]?.issues[0] ?? issues[0];
    const what = status === 409 ? "conflicting event(s)" : status === 400 ? "invalid event(s)" : "named event(s)";
    super(
      `gateway ${url} refused the batch (${status}): ${rejected.length} ${what}` +
        (first ? `, first: ${first.field}: ${first.message}` : "") +
        " (resending cannot help: fix the collector or its source)",
      url,
      events,
      false,
      status,
    );
  }
}

const FINAL_STATUSES = new Set([400, 409, 413, 422] as const);
type FinalStatus = 400 | 403 | 409 | 413 | 422;
const isFinal = (status: number): status is FinalStatus => (FINAL_STATUSES as ReadonlySet<number>).has(status);
/** A 403 is final only for the events it names (see HttpSinkRejectedError). */
const namesRefusedEvents = (status: number, text: string): status is 403 =>
  status === 403 && (rejectionBodySchema.safeParse(safeJson(text)).data?.rejected.length ?? 0) > 0;

const issueSchema = z.object({ field: z.string(), message: z.string() });
const namedEventSchema = z.object({ index: z.number().int().min(0), event_id: z.string().optional(), issues: z.array(issueSchema) });
/** The gateway's 400 body (schemas/batch.ts BatchParseResult when not ok) or 409 body (`conflicts`); unknown extra keys ignored. */
const rejectionBodySchema = z.object({
  rejected: z.array(namedEventSchema).default([]),
  conflicts: z.array(namedEventSchema).default([]),
  issues: z.array(issueSchema).default([]),
  error: z.string().optional(),
});

/**
 * Embedded mode's sink: POST `{ "events": [...] }` to `<url>/api/v1/events`.
 * Only a 2xx means durable (the gateway answers after its store write, or
 * after Kafka acknowledged in scale mode). A publish larger than one request
 * allows (BATCH_LIMITS) is sent as several requests in order; it resolves
 * once all are confirmed and rejects on the first that is not (the spool
 * then resends all of it; the store deduplicates by event_id).
 */
export class HttpSink implements Sink {
  readonly name = "http";
  private readonly endpoint: string;
  private closed = false;

  constructor(private readonly opts: HttpSinkOptions) {
    this.endpoint = new URL("api/v1/events", opts.url.endsWith("/") ? opts.url : `${opts.url}/`).toString();
  }

  async publish(events: readonly AuditEvent[]): Promise<void> {
    if (this.closed) throw new HttpSinkError("http sink is closed", this.endpoint, events.length, false, undefined);
    for (const { start, body, count } of requestBodies(events)) await this.post(body, start, count);
  }

  private async post(body: string, start: number, count: number): Promise<void> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (this.opts.apiKey) headers.authorization = `Bearer ${this.opts.apiKey}`;
    let res: Response;
    try {
      res = await fetch(this.endpoint, {
        method: "POST",
        headers,
        body,
        // A gateway that redirects a POST is misconfigured (http→https?); say so instead of following.
        redirect: "error",
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 30_000),
      });
    } catch (err) {
      const detail = err instanceof Error ? `${err.message}${err.cause instanceof Error ? `: ${err.cause.message}` : ""}` : String(err);
      throw new HttpSinkError(`gateway ${this.endpoint} unreachable: ${detail} (will be resent)`, this.endpoint, count, true, undefined, undefined, {
        cause: err,
      });
    }
    const text = await res.text().catch(() => "");
    if (res.ok) return;
    if (isFinal(res.status) || namesRefusedEvents(res.status, text)) {
      const parsed = rejectionBodySchema.safeParse(safeJson(text));
      const named = parsed.success ? [...parsed.data.rejected, ...parsed.data.conflicts] : [];
      const rejected = named.map((r) => ({ ...r, index: r.index + start }));
      const whole = parsed.success && parsed.data.error !== undefined ? [{ field: "(request)", message: parsed.data.error.slice(0, 500) }] : [];
      const issues = parsed.success ? [...parsed.data.issues, ...(rejected.length === 0 ? whole : [])] : [{ field: "(response)", message: text.slice(0, 500) }];
      throw new HttpSinkRejectedError(this.endpoint, count, rejected, issues, res.status);
    }
    // 408/429 and 5xx are the gateway's or its store's trouble: try again later.
    const retriable = res.status >= 500 || res.status === 408 || res.status === 429;
    const hint =
      res.status === 401 || res.status === 403
        ? " (check the collector's API key: missing, wrong or revoked)"
        : res.status === 404
          ? " (is the URL a prodtrail gateway?)"
          : retriable
            ? " (will be resent)"
            : "";
    throw new HttpSinkError(
      `gateway ${this.endpoint} answered ${res.status}: ${text.slice(0, 300)}${hint}`,
      this.endpoint,
      count,
      retriable,
      res.status,
      retryAfterMs(res.headers.get("retry-after")),
    );
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function retryAfterMs(value: string | null): number | undefined {
  if (value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Cut in order into bodies within the gateway's per-request limits (event count and bytes). */
export function* requestBodies(
  events: readonly AuditEvent[],
  limits: { maxEvents: number; maxBodyBytes: number } = BATCH_LIMITS,
): Generator<{ start: number; count: number; body: string }> {
  const envelope = '{"events":[]}'.length;
  let start = 0;
  let parts: string[] = [];
  let bytes = envelope;
  for (let i = 0; i < events.length; i++) {
    const json = JSON.stringify(events[i]);
    const size = Buffer.byteLength(json) + 1;
    if (parts.length > 0 && (parts.length >= limits.maxEvents || bytes + size > limits.maxBodyBytes)) {
      yield { start, count: parts.length, body: `{"events":[${parts.join(",")}]}` };
      start = i;
      parts = [];
      bytes = envelope;
    }
    parts.push(json);
    bytes += size;
  }
  if (parts.length > 0) yield { start, count: parts.length, body: `{"events":[${parts.join(",")}]}` };
}

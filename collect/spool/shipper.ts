import { createLogger, type Logger } from "../../lib/log";
import { backoffDelay, sleep, type BackoffOptions } from "./backoff";
import { SpoolError } from "./errors";
import type { Spool } from "./spool";

/**
 * Ships spooled records to a sink: read a batch → decode → publish → ack.
 * One batch in flight, in spool order. A failed publish is retried forever
 * with capped backoff (the records stay on disk, so an outage of any length
 * loses nothing); only a resolved publish advances the ack cursor. After a
 * crash, at most the batch in flight is published again — downstream
 * deduplicates by event_id.
 *
 * Generic over T so it does not depend on the event schema; wire a Sink with
 * `publish: (events) => sink.publish(events)`.
 */
export interface ShipperOptions<T> {
  spool: Pick<Spool, "readBatch" | "ack" | "rewind" | "waitForData">;
  publish: (items: T[], ctx: { signal: AbortSignal }) => Promise<void>;
  /** Turns a spooled payload back into an item; a throw stops the shipper (see ShipperDecodeError) unless `setAside` is given. */
  decode: (payload: Buffer) => T;
  /**
   * Records `decode` refuses, kept aside for good (durably: resolve only once
   * written) so the stream moves on past them; the rest of their batch is
   * published and the whole batch acked. Without it an undecodable record
   * stops the shipper. A record spooled by an older collector that a newer
   * schema refuses (a lone \ud800 in a field, issue #9) is such a record: it
   * can never be delivered, and must not hold every record behind it.
   */
  setAside?: (records: UndecodableRecord[]) => Promise<void>;
  maxBatchRecords?: number;
  maxBatchBytes?: number;
  backoff?: Partial<BackoffOptions>;
  log?: Logger;
  random?: () => number;
}

export interface ShipperStats { batches: number; records: number; failures: number; ackedSeq: number }

export interface UndecodableRecord { seq: number; payload: Buffer; error: string }

export interface Shipper {
  /** Start the loop; the promise settles when it stops (rejects on a fatal spool or decode error). */
  start(): Promise<void>;
  /**
   * Stop taking new batches and end the loop. A publish in flight gets
   * `graceMs` to be confirmed (then acked); after that it is abandoned — not
   * acked, so it is resent on the next start. Pass your shutdown deadline.
   * With `drain`, the loop first ships what the spool still holds (events
   * flushed at shutdown) until it is empty or the grace runs out.
   */
  stop(graceMs?: number, options?: { drain?: boolean }): Promise<void>;
  stats(): ShipperStats;
}

/** A payload the decoder rejects. Not skipped — an audit record is never dropped silently. */
export class ShipperDecodeError extends SpoolError {
  constructor(seq: number, cause: unknown) {
    super(`spool record ${seq} cannot be decoded; shipping stopped (fix the decoder or move the segment aside)`, { seq }, { cause });
  }
}

class Aborted extends Error {}

function untilAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new Aborted());
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

export function createShipper<T>(opts: ShipperOptions<T>): Shipper {
  const log = (opts.log ?? createLogger("shipper")).child({ component: "shipper" });
  const backoff: BackoffOptions = { initialMs: opts.backoff?.initialMs ?? 200, maxMs: opts.backoff?.maxMs ?? 30_000 };
  const limits = { maxRecords: opts.maxBatchRecords ?? 500, maxBytes: opts.maxBatchBytes ?? 1024 * 1024 };
  const stats: ShipperStats = { batches: 0, records: 0, failures: 0, ackedSeq: 0 };
  // `idle` ends waits and backoff sleeps (no new work); `hard` abandons a publish in flight.
  let idle = new AbortController();
  let hard = new AbortController();
  let loop: Promise<void> | null = null;
  /** stop({ drain: true }): keep shipping after intake stopped, until the spool is empty. */
  let draining = false;

  /**
   * Run `step` until it succeeds; false if stopped first. The first attempt
   * always runs; errors for which `fatal` holds are rethrown, not retried.
   */
  async function retry(
    what: string, ctx: Record<string, number>, signal: AbortSignal, step: () => Promise<void>,
    fatal: (err: unknown) => boolean = () => false,
  ): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      if (attempt > 1 && signal.aborted) return false;
      try {
        await step();
        return true;
      } catch (err) {
        if (err instanceof Aborted) return false;
        if (fatal(err)) throw err;
        stats.failures += 1;
        const delayMs = backoffDelay(attempt, backoff, opts.random);
        // warn for a blip, error once it looks like an outage.
        const level = attempt >= 5 ? "error" : "warn";
        log[level]({ err, ...ctx, attempt, delay_ms: delayMs }, `${what} failed; retrying`);
        await sleep(delayMs, signal);
      }
    }
  }

  async function run(signal: AbortSignal, hardSignal: AbortSignal): Promise<void> {
    await opts.spool.rewind(); // a previous run may have read past what was acked
    while (!signal.aborted || (draining && !hardSignal.aborted)) {
      const batch = await opts.spool.readBatch(limits);
      if (batch === null) {
        if (signal.aborted) break; // drained
        await opts.spool.waitForData(signal);
        continue;
      }
      const items: T[] = [];
      const undecodable: UndecodableRecord[] = [];
      batch.records.forEach((payload, i) => {
        try {
          items.push(opts.decode(payload));
        } catch (err) {
          if (!opts.setAside) {
            log.error({ err, seq: batch.firstSeq + i }, "undecodable spool record; shipping stopped");
            throw new ShipperDecodeError(batch.firstSeq + i, err);
          }
          undecodable.push({ seq: batch.firstSeq + i, payload, error: err instanceof Error ? err.message : String(err) });
        }
      });
      const ctx = { first_seq: batch.firstSeq, end_seq: batch.endSeq, records: items.length };
      const setAside = opts.setAside;
      if (setAside && undecodable.length > 0) {
        log.error({ ...ctx, undecodable: undecodable.map((u) => u.seq) }, "undecodable spool records set aside; shipping the rest");
        if (!(await retry("set aside", ctx, signal, () => setAside(undecodable)))) break;
      }
      const published = items.length === 0 || await retry("publish", ctx, draining ? hardSignal : signal, async () => {
        const attempt = opts.publish(items, { signal: hardSignal });
        attempt.catch(() => undefined); // an abandoned attempt must not become an unhandled rejection
        await untilAbort(attempt, hardSignal);
      });
      if (!published) break;
      // The first ack attempt runs even if stop() came meanwhile: the batch is
      // delivered, and not acking it would resend it. Spool errors (closed,
      // failed fsync) are not retried; raw I/O errors (ENOSPC on the cursor) are.
      const acked = await retry("ack", ctx, signal, () => opts.spool.ack(batch.endSeq), (e) => e instanceof SpoolError);
      if (!acked) break;
      stats.batches += 1;
      stats.records += items.length;
      stats.ackedSeq = batch.endSeq;
      log.debug(ctx, "batch shipped");
    }
  }

  return {
    start() {
      if (loop !== null) throw new SpoolError("shipper already started");
      draining = false;
      idle = new AbortController();
      hard = new AbortController();
      loop = run(idle.signal, hard.signal).finally(() => {
        loop = null;
      });
      return loop;
    },
    async stop(graceMs = 0, options = {}) {
      draining = options.drain === true;
      idle.abort();
      const timer = setTimeout(() => hard.abort(), graceMs);
      try {
        await loop?.catch(() => undefined); // the error is the start() promise's to report
      } finally {
        clearTimeout(timer);
        hard.abort();
      }
    },
    stats: () => ({ ...stats }),
  };
}

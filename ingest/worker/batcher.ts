import type { AuditEvent } from "../../schemas";

/** An event the store refused for good (a conflict, a row the engine cannot take): its message is dead-lettered. */
export interface Refusal {
  reason: "conflict" | "store_refused";
  detail: string;
}

/** What one insert says of each of its events, by position; undefined = stored (or an identical resend). */
export type InsertVerdicts = ReadonlyArray<Refusal | undefined>;

interface Ticket {
  remaining: number;
  /** Position in the handler's `add` call → why that event was refused. */
  refused: Map<number, Refusal>;
  resolve(refused: Map<number, Refusal>): void;
  reject(err: unknown): void;
}

/**
 * Gathers the valid events of the partition batches being handled at once
 * into store inserts of up to `flushRows` rows. An insert starts when
 *  - `flushRows` events are waiting, or
 *  - every partition handler in progress is waiting on the batcher (no more
 *    rows can arrive before one of them returns, so waiting longer is pure
 *    latency), or
 *  - `flushMs` passed since the oldest waiting event arrived.
 * `add` resolves once every one of its events is in an acknowledged insert
 * or refused for good (then with those positions and reasons, for the
 * handler to dead-letter): only then may the handler commit its offsets.
 * One insert runs at a time; `insert` itself retries until it succeeds or
 * gives up (shutdown).
 */
export class InsertBatcher {
  private queue: Array<{ event: AuditEvent; ticket: Ticket; position: number }> = [];
  private active = 0;
  private waiting = 0;
  private flushing = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly insert: (events: AuditEvent[]) => Promise<InsertVerdicts | void>,
    private readonly opts: { flushRows: number; flushMs: number },
  ) {}

  /** A partition handler started (it may add rows later). */
  enter(): void {
    this.active += 1;
  }

  /** A partition handler finished. */
  leave(): void {
    this.active -= 1;
    this.schedule();
  }

  add(events: readonly AuditEvent[]): Promise<Map<number, Refusal>> {
    if (events.length === 0) return Promise.resolve(new Map());
    this.waiting += 1;
    return new Promise<Map<number, Refusal>>((resolve, reject) => {
      const ticket: Ticket = {
        remaining: events.length,
        refused: new Map(),
        resolve: (refused) => ((this.waiting -= 1), resolve(refused)),
        reject: (err) => ((this.waiting -= 1), reject(err)),
      };
      events.forEach((event, position) => this.queue.push({ event, ticket, position }));
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.flushing) return;
    if (this.queue.length === 0) {
      clearTimeout(this.timer);
      this.timer = undefined;
      return;
    }
    if (this.queue.length >= this.opts.flushRows || this.waiting >= this.active) {
      void this.flush();
      return;
    }
    this.timer ??= setTimeout(() => void this.flush(), this.opts.flushMs);
  }

  private async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.flushing || this.queue.length === 0) return;
    this.flushing = true;
    const slice = this.queue.splice(0, this.opts.flushRows);
    try {
      const verdicts = await this.insert(slice.map((s) => s.event));
      slice.forEach(({ ticket, position }, i) => {
        const refusal = verdicts?.[i];
        if (refusal) ticket.refused.set(position, refusal);
        ticket.remaining -= 1;
        if (ticket.remaining === 0) ticket.resolve(ticket.refused);
      });
    } catch (err) {
      // Rows of a failed ticket still queued are dropped with it: its handler will not commit.
      const failed = new Set(slice.map((s) => s.ticket));
      this.queue = this.queue.filter((s) => !failed.has(s.ticket));
      for (const t of failed) t.reject(err);
    } finally {
      this.flushing = false;
      this.schedule();
    }
  }
}

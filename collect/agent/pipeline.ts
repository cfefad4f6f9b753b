import type { AuditEvent } from "../../schemas";
import type { Logger } from "../../lib/log";
import { DEFAULT_HEAD_INTERVAL, type Signer } from "../sign";
import { SpoolFullError, type Spool } from "../spool";
import type { TailCheckpoint } from "../tail";
import { encodeRecord } from "./codec";

/** The collector is shutting down: a write waiting for spool space gave up; the source must not commit. */
export class AgentStoppingError extends Error {
  override readonly name = "AgentStoppingError";
  constructor() {
    super("collector is stopping: events not spooled (their source re-reads them on the next start)");
  }
}

/** "Log loudly once per minute" while the spool is full: often enough to be seen, rare enough not to flood journald. */
const FULL_LOG_INTERVAL_MS = 60_000;

export interface TailPosition {
  key: string;
  checkpoint: TailCheckpoint;
}

/**
 * Every source's events go through here: sign (seq, chain, signature) →
 * spool (durable) → resolve. Only then may a source commit its own progress.
 *
 * Backpressure: when the spool is full the write waits for space (the same
 * signed batch is appended once it fits: the signer's tip has not moved), the
 * pipeline is `paused`, sources check `ready()` before taking more input and
 * the k8s webhook answers 503. Nothing is dropped.
 */
export class Pipeline {
  private readonly uncommitted = new Map<string, TailCheckpoint>();
  private readonly stopping = new AbortController();
  private pausedSince: number | null = null;
  private resumeWaiters: Array<() => void> = [];
  spooledEvents = 0;

  constructor(
    private readonly signer: Signer,
    private readonly spool: Spool,
    /** Largest bytes per spool.append: below one segment, so a batch always fits once the shipper frees space. */
    private readonly maxAppendBytes: number,
    private readonly log: Logger,
    /** Events per signed head (collect/sign/README.md); 1 signs every event (bench/collect/pipeline.ts's baseline). */
    private readonly headInterval = DEFAULT_HEAD_INTERVAL,
  ) {}

  get paused(): boolean {
    return this.pausedSince !== null;
  }

  /** Resolves once the spool accepts appends again (at once when it does). */
  ready(): Promise<void> {
    if (this.pausedSince === null || this.stopping.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => this.resumeWaiters.push(resolve));
  }

  /**
   * Sign and spool `events`; resolves once durable. `position` (tailed
   * sources) rides on the last record so a crash before the tailer's commit
   * does not re-read these lines (see codec.ts).
   */
  async write(events: readonly AuditEvent[], position?: TailPosition): Promise<void> {
    if (events.length === 0) return;
    // Head signing (collect/sign/README.md): every 64th event and each batch's last carry the signature.
    await this.signer.append(events, async (signed) => {
      const checkpoints = new Map(this.uncommitted);
      if (position) checkpoints.set(position.key, position.checkpoint);
      const records = signed.map((e, i) => encodeRecord(e, i === signed.length - 1 ? checkpoints : undefined));
      for (const { run, end } of chunks(records, this.maxAppendBytes)) {
        // A batch split over several appends: each part ends in a head, so a crash between them leaves a spool tail that verifies.
        const last = signed[end - 1];
        if (end < signed.length && last !== undefined && last.sig === undefined) run[run.length - 1] = encodeRecord(this.signer.seal(last));
        await this.appendWhenSpace(run);
      }
      if (position) this.uncommitted.set(position.key, position.checkpoint);
    }, { headInterval: this.headInterval });
    this.spooledEvents += events.length;
  }

  /** The tailer committed `checkpoint` to its state file: later records need not carry it. */
  committed(position: TailPosition): void {
    if (this.uncommitted.get(position.key) === position.checkpoint) this.uncommitted.delete(position.key);
  }

  /** Shutdown: writes waiting for space give up (AgentStoppingError); waiting sources are released. */
  stop(): void {
    this.stopping.abort();
    this.resume();
  }

  private async appendWhenSpace(records: Buffer[]): Promise<void> {
    let timer: NodeJS.Timeout | null = null;
    try {
      for (;;) {
        if (this.stopping.signal.aborted) throw new AgentStoppingError();
        try {
          await this.spool.append(records);
          return;
        } catch (err) {
          if (!(err instanceof SpoolFullError)) throw err;
          if (this.pausedSince === null) {
            this.pausedSince = Date.now();
            const report = (): void =>
              this.log.error(
                { used_bytes: err.usedBytes, limit_bytes: err.limitBytes, paused_s: Math.round((Date.now() - (this.pausedSince ?? Date.now())) / 1000) },
                "spool full: all sources paused (nothing is dropped) until the sink takes events again — check the sink and the shipper's errors",
              );
            report();
            timer = setInterval(report, FULL_LOG_INTERVAL_MS);
            timer.unref();
          }
          await this.spool.waitForSpace(err.neededBytes, this.stopping.signal);
        }
      }
    } finally {
      if (timer !== null) clearInterval(timer);
      if (this.pausedSince !== null && !this.stopping.signal.aborted) {
        this.log.warn({ paused_ms: Date.now() - this.pausedSince }, "spool has space again: sources resumed");
        this.resume();
      }
    }
  }

  private resume(): void {
    this.pausedSince = null;
    const waiters = this.resumeWaiters;
    this.resumeWaiters = [];
    for (const w of waiters) w();
  }
}

/** Split into runs of at most `maxBytes` (framing included; `end`: index after the run); a single larger record is its own run (the spool then refuses it by name). */
function* chunks(records: Buffer[], maxBytes: number): Generator<{ run: Buffer[]; end: number }> {
  let run: Buffer[] = [];
  let bytes = 0;
  for (const [i, r] of records.entries()) {
    const size = r.length + 8;
    if (run.length > 0 && bytes + size > maxBytes) {
      yield { run, end: i };
      run = [];
      bytes = 0;
    }
    run.push(r);
    bytes += size;
  }
  if (run.length > 0) yield { run, end: records.length };
}

import { createHash } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { AuditEvent } from "../../schemas";
import type { Logger } from "../../lib/log";
import type { ParserStats } from "../sources/types";
import { Tailer, type TailBatch, type TailCheckpoint, type TailLine } from "../tail";
import { AgentStoppingError, type Pipeline } from "./pipeline";

/** 500 lines ≈ 0.5–1 MiB of events: one spool append per batch, well under a segment. */
export const TAIL_BATCH_LINES = 500;

/** `<state_dir>/tail/<source>-<hash(path)>.json`: one state file per tailed log, stable while the path is. */
export function tailKey(source: string, path: string): string {
  return `${source}-${createHash("sha256").update(path).digest("hex").slice(0, 16)}`;
}

export function tailStateFile(stateDir: string, key: string): string {
  return join(stateDir, "tail", `${key}.json`);
}

export interface TailSourceOptions {
  source: string;
  path: string;
  stateDir: string;
  pipeline: Pipeline;
  /** Lines → events (a parser, or the packages joiner). */
  handle(lines: readonly TailLine[]): AuditEvent[];
  /** Shutdown: what grouping state still holds. */
  flush(): AuditEvent[];
  stats: ParserStats;
  /** From the spool's newest record (codec.ts): used when newer than the state file. */
  resumeFrom?: TailCheckpoint | null;
  /**
   * Defer commits (packages: dpkg events held in the joiner are not spooled
   * yet). Returns true when every line read so far is durable.
   */
  canCommit?: () => boolean;
  /** Called once `handle`'s events are spooled (packages: they are no longer held). */
  onDurable?: (events: readonly AuditEvent[]) => void;
  pollIntervalMs?: number;
  log: Logger;
}

/**
 * One tailed log: read a batch → events → sign + spool → commit the offsets.
 * Offsets are committed only once the batch's events are durable, so a crash
 * repeats at most that batch, and (with the checkpoint in the spooled record)
 * not even that.
 */
export class TailSource {
  readonly key: string;
  private loop: Promise<void> | null = null;
  private stopping = false;
  private pending: TailBatch[] = [];
  private committing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly opts: TailSourceOptions,
    private readonly tailer: Tailer,
  ) {
    this.key = tailKey(opts.source, opts.path);
  }

  static async open(opts: TailSourceOptions): Promise<TailSource> {
    const key = tailKey(opts.source, opts.path);
    await mkdir(join(opts.stateDir, "tail"), { recursive: true, mode: 0o700 });
    const tailer = await Tailer.open({
      path: opts.path,
      stateFile: tailStateFile(opts.stateDir, key),
      resumeFrom: opts.resumeFrom ?? null,
      maxBatchLines: TAIL_BATCH_LINES,
      ...(opts.pollIntervalMs === undefined ? {} : { pollIntervalMs: opts.pollIntervalMs }),
      log: opts.log,
    });
    return new TailSource(opts, tailer);
  }

  get stats(): ParserStats {
    return this.opts.stats;
  }

  /** Starts the loop; the promise rejects only on a fault the collector cannot work past (spool failure). */
  start(): Promise<void> {
    this.loop ??= this.run();
    return this.loop;
  }

  /**
   * One batch's write in flight while the next batch is read and parsed: the
   * spool append and chain-state fsync wait on the disk, parsing on the CPU,
   * and done in turn they left the collector 11% idle (bench/collect/pipeline.ts
   * profile, issue #13). Writes still go one at a time and in order, and a
   * batch is committed only once its own write is durable. At most one batch
   * (TAIL_BATCH_LINES) is read ahead while the spool is full.
   */
  private async run(): Promise<void> {
    let inFlight: Promise<void> | null = null;
    try {
      for await (const batch of this.tailer) {
        const events = this.opts.handle(batch.lines);
        if (inFlight !== null) await inFlight;
        // A parsed batch is always written (the parser has moved past its lines); a stopping pipeline refuses it and it is re-read.
        await this.opts.pipeline.ready();
        inFlight = this.writeAndCommit(batch, events);
        // Awaited above or below; until then a rejection must not count as unhandled.
        inFlight.catch(() => undefined);
        if (this.stopping) break;
      }
      if (inFlight !== null) await inFlight;
    } catch (err) {
      if (err instanceof AgentStoppingError) return;
      throw err;
    }
  }

  private async writeAndCommit(batch: TailBatch, events: AuditEvent[]): Promise<void> {
    const position = { key: this.key, checkpoint: batch.checkpoint };
    // Deferred commits (packages) cannot ride a checkpoint: their lines' events may still be held.
    await this.opts.pipeline.write(events, this.opts.canCommit ? undefined : position);
    this.opts.onDurable?.(events);
    this.pending.push(batch);
    await this.commitReady();
  }

  /** Commit (in order, one caller at a time: the packages expiry timer also calls this) every batch whose events are durable. */
  commitReady(): Promise<void> {
    const run = this.committing.then(async () => {
      if (this.opts.canCommit && !this.opts.canCommit()) return;
      while (this.pending.length > 0) {
        const batch = this.pending[0];
        if (batch === undefined) break;
        await batch.commit();
        this.pending.shift();
        this.opts.pipeline.committed({ key: this.key, checkpoint: batch.checkpoint });
      }
    });
    this.committing = run.catch(() => undefined);
    return run;
  }

  /** Stop reading; then the caller flushes parsers (flushEvents) while the spool is still open. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.tailer.close();
    await this.loop?.catch((err: unknown) => this.opts.log.error({ err, source: this.opts.source }, "tail source failed"));
  }

  flushEvents(): AuditEvent[] {
    return this.opts.flush();
  }
}

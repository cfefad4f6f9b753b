import { EventEmitter } from "node:events";
import { mkdir, unlink } from "node:fs/promises";
import { createLogger, type Logger } from "../../lib/log";
import { SpoolOptionsSchema, type SpoolConfig, type SpoolOptions } from "./config";
import { writeCursor } from "./cursor";
import { SpoolClosedError, SpoolError, SpoolFullError, SpoolRecordTooLargeError } from "./errors";
import { FRAME_HEADER_BYTES, frameBytes } from "./frame";
import { acquireLock, type SpoolLock } from "./lock";
import { readLastRecord } from "./last-record";
import { locate, readNext, type Position, type SpoolBatch } from "./reader";
import { recoverSpool, type RecoveredSpool } from "./recover";
import type { SegmentMeta } from "./segment-files";
import { Waiters } from "./waiters";
import { SegmentWriter } from "./writer";

export type { SpoolBatch } from "./reader";

/**
 * The collector's write-ahead buffer. Records (opaque Buffers) get
 * consecutive sequence numbers; `append` writes them (fsynced per policy, see
 * config.ts) before anything is sent; one reader (the shipper) takes batches
 * with `readBatch` and, once the sink confirmed them, calls `ack(endSeq)`,
 * which persists the cursor and then deletes fully acknowledged segments.
 * Operations run one at a time through an internal queue.
 * Events: "full" and "space", each with { usedBytes, limitBytes }.
 */
export interface AppendResult { firstSeq: number; endSeq: number }
export interface ReadLimits { maxRecords?: number; maxBytes?: number }
export interface SpoolStats {
  dir: string; usedBytes: number; limitBytes: number; ackedSeq: number; nextSeq: number;
  readSeq: number; segments: number; full: boolean;
}

export class Spool extends EventEmitter {
  private read: Position = { seq: 0, base: 0, offset: 0 };
  private queue: Promise<unknown> = Promise.resolve();
  private closing: Promise<void> | null = null;
  private closed = false;
  private fullReported = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly segments: SegmentMeta[];
  private readonly writer: SegmentWriter;
  private ackedSeq: number;
  private readonly dataWaiters = new Waiters();
  private readonly spaceWaiters = new Waiters();

  private constructor(private readonly cfg: SpoolConfig, private readonly log: Logger, private readonly lock: SpoolLock, rec: RecoveredSpool) {
    super();
    this.segments = rec.segments;
    this.ackedSeq = rec.ackedSeq;
    this.writer = new SegmentWriter(cfg, this.segments, rec.nextSeq);
  }

  /** Validate options, take the directory lock, recover from any crash. */
  static async open(options: SpoolOptions, deps: { log?: Logger } = {}): Promise<Spool> {
    const parsed = SpoolOptionsSchema.safeParse(options);
    if (!parsed.success) {
      const why = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
      throw new SpoolError(`invalid spool options: ${why}`, { dir: options.dir });
    }
    const cfg = parsed.data;
    const log = (deps.log ?? createLogger("spool")).child({ spool_dir: cfg.dir });
    await mkdir(cfg.dir, { recursive: true });
    const lock = await acquireLock(cfg.dir, log);
    try {
      const spool = new Spool(cfg, log, lock, await recoverSpool(cfg, log));
      await spool.writer.resume();
      spool.read = await locate(spool.segments, spool.ackedSeq);
      if (cfg.fsync === "interval") {
        spool.timer = setInterval(() => spool.intervalSync(), cfg.fsyncIntervalMs);
        spool.timer.unref();
      }
      log.info({ ...spool.stats(), fsync: cfg.fsync }, "spool opened");
      return spool;
    } catch (err) {
      await lock.release();
      throw err;
    }
  }

  /** Append records; resolves once written (and fsynced under `always`). At the disk limit: SpoolFullError, nothing written. */
  append(input: Buffer | readonly Buffer[]): Promise<AppendResult> {
    const payloads = Buffer.isBuffer(input) ? [input] : input;
    return this.exclusive(async () => {
      this.assertUsable();
      let needed = 0;
      for (const p of payloads) {
        if (p.length > this.cfg.maxRecordBytes) throw new SpoolRecordTooLargeError(this.cfg.dir, p.length, this.cfg.maxRecordBytes);
        needed += frameBytes(p);
      }
      if (needed > this.cfg.maxBytes) throw new SpoolRecordTooLargeError(this.cfg.dir, needed, this.cfg.maxBytes);
      const used = this.usedBytes();
      if (used + needed > this.cfg.maxBytes) {
        this.reportFull(used, needed);
        throw new SpoolFullError(this.cfg.dir, used, this.cfg.maxBytes, needed);
      }
      const firstSeq = this.writer.nextSeq;
      await this.writer.append(payloads);
      this.dataWaiters.check();
      return { firstSeq, endSeq: this.writer.nextSeq };
    });
  }

  /** Next batch after the read position (≥ 1 record), or null when all is read. Never spans two segments. */
  readBatch(limits: ReadLimits = {}): Promise<SpoolBatch | null> {
    const bounds = { maxRecords: Math.max(1, limits.maxRecords ?? 500), maxBytes: Math.max(1, limits.maxBytes ?? 1024 * 1024) };
    return this.exclusive(async () => {
      this.assertUsable();
      const got = await readNext(this.segments, this.read, bounds, this.log);
      if (got === null) return null;
      this.read = got.next;
      return got.batch;
    });
  }

  /** The sink confirmed every record before `endSeq`: persist the cursor, then free their segments. */
  ack(endSeq: number): Promise<void> {
    return this.exclusive(async () => {
      this.assertUsable();
      if (!Number.isSafeInteger(endSeq)) throw new SpoolError(`ack: ${endSeq} is not a sequence number`, { dir: this.cfg.dir });
      if (endSeq <= this.ackedSeq) return;
      if (endSeq > this.read.seq) {
        throw new SpoolError(`ack: cannot acknowledge up to ${endSeq}, only records before ${this.read.seq} were read`, {
          dir: this.cfg.dir, endSeq, readSeq: this.read.seq,
        });
      }
      await writeCursor(this.cfg.dir, endSeq);
      this.ackedSeq = endSeq;
      for (let head = this.segments[0]; head !== undefined; head = this.segments[0]) {
        if (head === this.writer.activeSegment || head.base + head.count > this.ackedSeq) break;
        await unlink(head.path).catch((err: unknown) => {
          if (!(err instanceof Error && "code" in err && err.code === "ENOENT")) throw err;
        });
        this.segments.shift();
        this.log.debug({ file: head.path }, "deleted acknowledged segment");
      }
      this.spaceWaiters.check();
      if (this.fullReported && this.usedBytes() < this.cfg.maxBytes) {
        this.fullReported = false;
        const info = { usedBytes: this.usedBytes(), limitBytes: this.cfg.maxBytes };
        this.log.info({ used_bytes: info.usedBytes, limit_bytes: info.limitBytes }, "spool has space again");
        this.emit("space", info);
      }
    });
  }

  /** The newest complete record (acknowledged or not), or null if none was ever kept: the signer's `spoolTail` at start. */
  lastRecord(): Promise<Buffer | null> {
    return this.exclusive(async () => {
      this.assertUsable();
      return readLastRecord(this.segments);
    });
  }

  /** Move the read position back to the ack cursor: unacknowledged records are read again. */
  rewind(): Promise<void> {
    return this.exclusive(async () => {
      this.assertUsable();
      this.read = await locate(this.segments, this.ackedSeq);
    });
  }

  /** Resolves when there are records to read, on abort, or on close. */
  waitForData(signal?: AbortSignal): Promise<void> {
    return this.dataWaiters.wait(() => this.closed || this.read.seq < this.writer.nextSeq, signal);
  }

  /** Resolves once `bytes` more (framed: payload + 8 per record) fit under the limit, or on abort; rejects on close. */
  waitForSpace(bytes: number = FRAME_HEADER_BYTES, signal?: AbortSignal): Promise<void> {
    if (bytes > this.cfg.maxBytes) return Promise.reject(new SpoolRecordTooLargeError(this.cfg.dir, bytes, this.cfg.maxBytes));
    if (this.closed) return Promise.reject(new SpoolClosedError(this.cfg.dir));
    return this.spaceWaiters.wait(() => this.usedBytes() + bytes <= this.cfg.maxBytes, signal);
  }

  stats(): SpoolStats {
    return {
      dir: this.cfg.dir, usedBytes: this.usedBytes(), limitBytes: this.cfg.maxBytes, ackedSeq: this.ackedSeq,
      nextSeq: this.writer.nextSeq, readSeq: this.read.seq, segments: this.segments.length, full: this.fullReported,
    };
  }

  /** fsync now, whatever the policy. */
  flush(): Promise<void> {
    return this.exclusive(async () => {
      this.assertUsable();
      await this.writer.sync();
    });
  }

  /** Let queued operations finish, fsync, close files, release the lock. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.exclusive(async () => {
      if (this.timer !== null) clearInterval(this.timer);
      try {
        await this.writer.close();
      } finally {
        this.closed = true;
        this.dataWaiters.resolveAll();
        this.spaceWaiters.failAll(new SpoolClosedError(this.cfg.dir));
        await this.lock.release();
        this.log.info({ acked_seq: this.ackedSeq, next_seq: this.writer.nextSeq }, "spool closed");
      }
    });
    return this.closing;
  }

  private intervalSync(): void {
    this.exclusive(() => (this.closed ? Promise.resolve() : this.writer.sync(true))).catch((err: unknown) =>
      this.log.error({ err }, "interval fsync failed; the spool refuses further work until reopened"),
    );
  }

  private reportFull(used: number, needed: number): void {
    if (this.fullReported) return;
    this.fullReported = true;
    this.log.error(
      { used_bytes: used, limit_bytes: this.cfg.maxBytes, needed_bytes: needed },
      "spool full: appends are refused until the shipper frees space; stop reading sources",
    );
    this.emit("full", { usedBytes: used, limitBytes: this.cfg.maxBytes });
  }

  private usedBytes(): number {
    let total = 0;
    for (const s of this.segments) total += s.size;
    return total;
  }

  private assertUsable(): void {
    if (this.closed) throw new SpoolClosedError(this.cfg.dir);
    if (this.writer.failed !== null) throw this.writer.failed;
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.queue.then(fn);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

export const openSpool = (options: SpoolOptions, deps?: { log?: Logger }): Promise<Spool> => Spool.open(options, deps);

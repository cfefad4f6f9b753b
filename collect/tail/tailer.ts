import { open, type FileHandle } from "node:fs/promises";
import { createLogger, type Logger } from "../../lib/log";
import { headOf, isFullyRead, statOrNull } from "./file-info";
import { addEntry, extendFingerprint, matchEntry } from "./entries";
import { FP_BYTES, headMatches, readGzipHead, readHead } from "./fingerprint";
import type { RawLine } from "./lines";
import { readTailState, writeTailState, type FileEntry, type TailState } from "./offsets";
import { readGzipLines, readPlainLines } from "./read";
import { listRotated, type RotatedFile } from "./rotated";
import type { TailBatch, TailerOptions } from "./types";
import { Waker } from "./wake";

interface Current {
  fh: FileHandle;
  dev: number;
  ino: number;
  entry: FileEntry;
}

/**
 * Follows one log file line by line across rotations; see README.md in
 * this folder for the rotation cases and the delivery guarantee.
 *
 *   const tailer = await Tailer.open({ path, stateFile });
 *   for await (const batch of tailer) { await spool.append(...); await batch.commit(); }
 */
export class Tailer implements AsyncIterable<TailBatch> {
  private current: Current | null = null;
  private draining: { cur: Current; until: number }[] = [];
  private committedSeq: number;
  private waker: Waker | null = null;
  private closed = false;
  private readonly limits;
  /** startAt "end": the file and its size when the tailer was opened; lines after that are read, and files created later whole. */
  private endAtOpen: { dev: number; ino: number; size: number } | null = null;

  private constructor(
    private readonly opts: TailerOptions,
    private readonly state: TailState,
    private readonly firstRun: boolean,
    private readonly log: Logger,
  ) {
    this.committedSeq = state.commit_seq;
    this.limits = { maxLineBytes: opts.maxLineBytes ?? 64 * 1024, maxBatchLines: opts.maxBatchLines ?? 1000 };
  }

  static async open(opts: TailerOptions): Promise<Tailer> {
    const log = (opts.log ?? createLogger("tail")).child({ file: opts.path });
    const saved = await readTailState(opts.stateFile);
    const resume = opts.resumeFrom ?? null;
    const state = resume !== null && (saved === null || resume.commit_seq > saved.commit_seq) ? structuredClone(resume) : saved;
    const tailer = new Tailer(opts, state ?? { version: 1, started_at: Date.now(), commit_seq: 0, files: [] }, state === null, log);
    // Fix started_at at once: rotated files that appear after this moment are lines to read, even if we crash before a commit.
    if (state === null) await writeTailState(opts.stateFile, tailer.state);
    if (state === null && opts.startAt === "end") {
      const st = await statOrNull(opts.path);
      if (st !== null) tailer.endAtOpen = { dev: st.dev, ino: st.ino, size: st.size };
    }
    log.info({ first_run: state === null, known_files: tailer.state.files.length }, "tailer opened");
    return tailer;
  }

  [Symbol.asyncIterator](): AsyncIterator<TailBatch> {
    return this.run();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.waker?.stop();
    await this.current?.fh.close().catch(() => undefined);
    this.current = null;
    for (const d of this.draining) await d.cur.fh.close().catch(() => undefined);
    this.draining = [];
  }

  private async *run(): AsyncGenerator<TailBatch> {
    this.waker = new Waker(this.opts.path, this.opts.pollIntervalMs ?? 1000, this.opts.watch !== false, this.log);
    try {
      if (!this.firstRun) yield* this.catchUpRotated();
      while (!this.closed) {
        this.waker.clear();
        let produced = false;
        for await (const batch of this.pollLive()) {
          produced = true;
          yield batch;
        }
        if (!produced) await this.waker.sleep();
      }
    } finally {
      await this.close();
    }
  }

  /** Rotated-away files still open: new lines in them, and closing them once their grace period is over. */
  private async *pollDraining(): AsyncGenerator<TailBatch> {
    for (const d of [...this.draining]) {
      const over = Date.now() >= d.until || this.closed;
      yield* this.readLive(d.cur, over);
      if (!over) continue;
      d.cur.entry.done = true;
      await d.cur.fh.close();
      this.draining = this.draining.filter((x) => x !== d);
    }
  }

  private async *pollLive(): AsyncGenerator<TailBatch> {
    yield* this.pollDraining();
    const st = await statOrNull(this.opts.path);
    const cur = this.current;
    if (cur !== null) {
      if (st !== null && st.dev === cur.dev && st.ino === cur.ino) {
        const { size } = await cur.fh.stat();
        if (size >= cur.entry.offset && (await this.stillSameContent(cur))) {
          yield* this.readLive(cur, false);
          return;
        }
        // copytruncate: same inode, shorter (or rewritten) content. The copy beside it holds the rest.
        this.log.info({ offset: cur.entry.offset, size }, "file truncated in place (copytruncate); finishing the copy, restarting at 0");
        await cur.fh.close();
      } else {
        // Renamed away or deleted: the old inode stays open. The writer may add lines to it until it
        // reopens (rsyslog after logrotate's HUP), so it is read for rotateGraceMs before it is closed.
        yield* this.readLive(cur, false);
        this.draining.push({ cur, until: Date.now() + (this.opts.rotateGraceMs ?? 5000) });
        this.log.info({ offset: cur.entry.offset }, "file rotated (renamed); reading the new file, finishing the old one");
      }
      this.current = null;
      yield* this.catchUpRotated();
    }
    if (st === null || !st.isFile()) return;
    const fh = await open(this.opts.path, "r");
    const head = await readHead(fh);
    if (head.length === 0) {
      await fh.close();
      return;
    }
    const fst = await fh.stat();
    const end = this.endAtOpen;
    const startOffset = end !== null && end.dev === fst.dev && end.ino === fst.ino ? end.size : 0;
    const entry = matchEntry(this.state, head) ?? addEntry(this.state, head, this.opts.path, fst, startOffset);
    this.endAtOpen = null;
    entry.done = false;
    this.current = { fh, dev: fst.dev, ino: fst.ino, entry };
    yield* this.readLive(this.current, false);
  }

  private async *readLive(cur: Current, final: boolean): AsyncGenerator<TailBatch> {
    if (cur.entry.fp_len < FP_BYTES) extendFingerprint(cur.entry, await readHead(cur.fh));
    for await (const lines of readPlainLines(cur.fh, cur.entry.offset, this.limits, final)) yield this.batch(lines, cur.entry);
  }

  /** Rotated files not yet fully read: the rest of a file we were reading, or newer ones we never saw. */
  private async *catchUpRotated(): AsyncGenerator<TailBatch> {
    for (const r of await listRotated(this.opts.path)) {
      let head: Buffer | null;
      try {
        head = r.gzip ? await readGzipHead(r.path) : await headOf(r.path);
      } catch (err) {
        // A corrupt or half-written .gz must not stop the live log; say which file was skipped.
        this.log.error({ err, rotated: r.path }, "rotated file unreadable; skipped");
        continue;
      }
      if (head === null || head.length === 0) continue;
      let entry = matchEntry(this.state, head);
      if (entry === undefined) {
        if (r.mtimeMs < this.state.started_at) continue; // history from before this agent tailed the log
        const st = await statOrNull(r.path);
        if (st === null) continue;
        entry = addEntry(this.state, head, r.path, st, 0);
        this.log.info({ rotated: r.path }, "reading a rotated file never seen before");
      }
      if (this.draining.some((d) => d.cur.entry === entry) || (await isFullyRead(r, entry))) continue;
      this.log.info({ rotated: r.path, offset: entry.offset }, "catching up on rotated file");
      try {
        yield* this.readRotated(r, entry);
        entry.done = true;
      } catch (err) {
        this.log.error({ err, rotated: r.path, offset: entry.offset }, "rotated file unreadable past this offset; skipped (retried at the next rotation or restart)");
      }
    }
  }

  private async *readRotated(r: RotatedFile, entry: FileEntry): AsyncGenerator<TailBatch> {
    entry.path = r.path;
    if (r.gzip) {
      for await (const lines of readGzipLines(r.path, entry.offset, this.limits)) yield this.batch(lines, entry);
      return;
    }
    const fh = await open(r.path, "r");
    try {
      extendFingerprint(entry, await readHead(fh));
      for await (const lines of readPlainLines(fh, entry.offset, this.limits, true)) yield this.batch(lines, entry);
    } finally {
      await fh.close();
    }
  }

  private batch(raw: RawLine[], entry: FileEntry): TailBatch {
    const last = raw.at(-1);
    if (last !== undefined) entry.offset = last.end;
    entry.seen_at = Date.now();
    this.state.commit_seq += 1;
    const checkpoint = structuredClone(this.state);
    const lines = raw.map((l) => ({ text: l.text, path: entry.path, fileId: entry.id, offset: l.offset, truncated: l.truncated }));
    return {
      lines,
      checkpoint,
      commit: async () => {
        if (checkpoint.commit_seq !== this.committedSeq + 1) {
          throw new Error(`tail commit out of order: batch ${checkpoint.commit_seq} after ${this.committedSeq}`);
        }
        await writeTailState(this.opts.stateFile, checkpoint);
        this.committedSeq = checkpoint.commit_seq;
      },
    };
  }

  private async stillSameContent(cur: Current): Promise<boolean> {
    const head = await readHead(cur.fh, cur.entry.fp_len);
    return headMatches(head, { fp: cur.entry.fp, len: cur.entry.fp_len });
  }

}

import { open, type FileHandle } from "node:fs/promises";
import type { SpoolConfig } from "./config";
import { SpoolError } from "./errors";
import { encodeFrames, frameBytes } from "./frame";
import { fsyncDir, segmentPath, writeAll, type SegmentMeta } from "./segment-files";

/**
 * Writing side of the spool: appends frames to the active (last) segment,
 * rolls to a new file before one would exceed `segmentBytes`, and fsyncs per
 * policy. It shares the segment list with the spool (it pushes new segments).
 * After an fsync failure or an unrecoverable partial write it is `failed`:
 * Linux may have dropped the dirty pages, so nothing written since the last
 * good fsync can be trusted and the spool must be reopened (and re-validated).
 */
interface Active { seg: SegmentMeta; fh: FileHandle }

export class SegmentWriter {
  failed: SpoolError | null = null;
  private active: Active | null = null;
  private dirty = false;

  constructor(private readonly cfg: SpoolConfig, private readonly segments: SegmentMeta[], public nextSeq: number) {}

  /** Reopen the last segment for appending if the next record belongs at its end. */
  async resume(): Promise<void> {
    const last = this.segments.at(-1);
    if (last !== undefined && last.base + last.count === this.nextSeq) this.active = { seg: last, fh: await open(last.path, "r+") };
  }

  get activeSegment(): SegmentMeta | null {
    return this.active?.seg ?? null;
  }

  async append(payloads: readonly Buffer[]): Promise<void> {
    let active: Active | null = null;
    let group: Buffer[] = [];
    let groupBytes = 0;
    for (const p of payloads) {
      const fb = frameBytes(p);
      if (active === null || active.seg.size + groupBytes + fb > this.cfg.segmentBytes) {
        if (active !== null) await this.writeGroup(active, group);
        group = [];
        groupBytes = 0;
        active = await this.activeFor(fb);
      }
      group.push(p);
      groupBytes += fb;
    }
    if (active === null) return;
    await this.writeGroup(active, group);
    if (this.cfg.fsync === "always") await this.sync();
    else this.dirty = true;
  }

  /** fsync the active segment; `onlyIfDirty` for the interval timer. */
  async sync(onlyIfDirty = false): Promise<void> {
    const a = this.active;
    if (a === null || this.failed !== null || (onlyIfDirty && !this.dirty)) return;
    try {
      this.dirty = false;
      await a.fh.sync();
    } catch (err) {
      this.failed = new SpoolError(`fsync of ${a.seg.path} failed; reopen the spool`, { file: a.seg.path }, { cause: err });
      throw this.failed;
    }
  }

  async close(): Promise<void> {
    const a = this.active;
    this.active = null;
    if (a === null) return;
    try {
      if (this.failed === null) await a.fh.sync();
    } finally {
      await a.fh.close();
    }
  }

  private async activeFor(frameLen: number): Promise<Active> {
    const a = this.active;
    if (a !== null && a.seg.base + a.seg.count === this.nextSeq && a.seg.size + frameLen <= this.cfg.segmentBytes) return a;
    if (a !== null) {
      if (this.cfg.fsync !== "never") await this.sync();
      await a.fh.close();
      this.active = null;
    }
    const seg: SegmentMeta = { base: this.nextSeq, path: segmentPath(this.cfg.dir, this.nextSeq), count: 0, size: 0 };
    const fh = await open(seg.path, "wx");
    this.segments.push(seg);
    this.active = { seg, fh };
    if (this.cfg.fsync !== "never") await fsyncDir(this.cfg.dir);
    return this.active;
  }

  private async writeGroup(active: Active, group: readonly Buffer[]): Promise<void> {
    const buf = encodeFrames(group);
    const before = active.seg.size;
    try {
      await writeAll(active.fh, buf, before);
    } catch (err) {
      // Undo a partial write, or the next append would land after garbage.
      await active.fh.truncate(before).catch((e: unknown) => {
        this.failed = new SpoolError("append failed and could not be undone; reopen the spool", { file: active.seg.path, offset: before }, { cause: e });
      });
      throw new SpoolError(`append to ${active.seg.path} failed: ${String(err)}`, { file: active.seg.path, offset: before }, { cause: err });
    }
    active.seg.size += buf.length;
    active.seg.count += group.length;
    this.nextSeq += group.length;
  }
}

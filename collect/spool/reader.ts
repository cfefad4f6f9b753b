import type { Logger } from "../../lib/log";
import { SpoolCorruptError } from "./errors";
import { FRAME_HEADER_BYTES, parseFrames } from "./frame";
import { readAt, type SegmentMeta } from "./segment-files";

/**
 * Reading side of the spool: where a sequence number sits on disk, and the
 * next batch after a position. Stateless over the segment list; the spool
 * keeps the position.
 */
export interface Position { seq: number; base: number; offset: number }
export interface SpoolBatch { records: Buffer[]; firstSeq: number; endSeq: number; bytes: number }

/** Position of record `seq` (or of the first record after it, across a gap). */
export async function locate(segments: readonly SegmentMeta[], seq: number): Promise<Position> {
  const seg = segments.findLast((s) => s.base <= seq) ?? segments[0];
  if (seg === undefined) return { seq, base: seq, offset: 0 };
  if (seq <= seg.base) return { seq: seg.base, base: seg.base, offset: 0 };
  const k = seq - seg.base;
  if (k >= seg.count) return { seq, base: seg.base, offset: seg.size };
  const parsed = parseFrames(await readAt(seg.path, 0, seg.size), { maxRecords: k });
  if (parsed.count !== k) throw new SpoolCorruptError(seg.path, parsed.end, "record count changed since open");
  return { seq, base: seg.base, offset: parsed.end };
}

/**
 * The batch after `pos` (at least one record if any) and the position after
 * it, or null when everything is read. A batch never spans two segment files.
 */
export async function readNext(
  segments: readonly SegmentMeta[], from: Position, limits: { maxRecords: number; maxBytes: number }, log: Logger,
): Promise<{ batch: SpoolBatch; next: Position } | null> {
  let pos = from;
  for (;;) {
    const idx = segments.findIndex((s) => s.base === pos.base);
    const seg = segments[idx];
    if (seg === undefined) {
      // Not created yet (empty spool), or deleted once fully acked.
      const later = segments.find((s) => s.base >= pos.seq);
      if (later === undefined) return null;
      pos = { seq: later.base, base: later.base, offset: 0 };
    } else if (pos.offset >= seg.size) {
      const next = segments[idx + 1];
      if (next === undefined) return null;
      if (next.base !== pos.seq) log.warn({ expected_seq: pos.seq, base: next.base }, "gap in spool sequence");
      pos = { seq: next.base, base: next.base, offset: 0 };
    } else {
      return readFrom(seg, pos, limits);
    }
  }
}

async function readFrom(
  seg: SegmentMeta, pos: Position, { maxRecords, maxBytes }: { maxRecords: number; maxBytes: number },
): Promise<{ batch: SpoolBatch; next: Position }> {
  const want = Math.min(seg.size - pos.offset, maxBytes + FRAME_HEADER_BYTES * maxRecords);
  let parsed = parseFrames(await readAt(seg.path, pos.offset, want), { maxRecords, maxBytes, collect: true });
  if (parsed.count === 0 && parsed.stop?.kind === "short-payload") {
    // The first record alone is larger than the byte budget: read just it.
    const need = FRAME_HEADER_BYTES + parsed.stop.length;
    if (pos.offset + need <= seg.size) parsed = parseFrames(await readAt(seg.path, pos.offset, need), { maxRecords: 1, collect: true });
  }
  if (parsed.count === 0) {
    throw new SpoolCorruptError(seg.path, pos.offset + (parsed.stop?.offset ?? 0), `${parsed.stop?.kind ?? "unreadable"} while reading`);
  }
  const next = { seq: pos.seq + parsed.count, base: seg.base, offset: pos.offset + parsed.end };
  return { batch: { records: parsed.payloads, firstSeq: pos.seq, endSeq: next.seq, bytes: parsed.payloadBytes }, next };
}

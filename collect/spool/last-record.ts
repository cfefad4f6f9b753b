import { parseFrames } from "./frame";
import { readAt, type SegmentMeta } from "./segment-files";

/**
 * The newest complete record, or null when the spool holds none. The spool
 * never deletes its active (last) segment, even fully acknowledged, so the
 * record a crash may have left ahead of the signer's chain.json is always
 * here. Reads only the newest non-empty segment (≤ segmentBytes, 16 MiB by
 * default), once, at collector start.
 */
export async function readLastRecord(segments: readonly SegmentMeta[]): Promise<Buffer | null> {
  for (let i = segments.length - 1; i >= 0; i--) {
    const seg = segments[i];
    if (seg === undefined || seg.count === 0 || seg.size === 0) continue;
    const parsed = parseFrames(await readAt(seg.path, 0, seg.size), { collect: true });
    const last = parsed.payloads.at(-1);
    // Copy out of the segment-sized buffer so the caller does not pin it.
    if (last !== undefined) return Buffer.from(last);
  }
  return null;
}

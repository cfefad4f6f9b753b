import { open, readdir, type FileHandle } from "node:fs/promises";
import { join } from "node:path";

/**
 * Segment files are named by the sequence number of their first record,
 * zero-padded to 20 digits so that name order is sequence order.
 */
const SEGMENT_RE = /^(\d{20})\.seg$/;

export interface SegmentMeta {
  readonly base: number;
  readonly path: string;
  /** Complete, checksum-valid records in the file. */
  count: number;
  /** Bytes of complete records: the file's valid length. */
  size: number;
}

export function segmentPath(dir: string, base: number): string {
  return join(dir, `${String(base).padStart(20, "0")}.seg`);
}

export async function listSegmentFiles(dir: string): Promise<{ base: number; path: string }[]> {
  const names = await readdir(dir);
  const out: { base: number; path: string }[] = [];
  for (const name of names.sort()) {
    const m = SEGMENT_RE.exec(name);
    if (m?.[1] === undefined) continue;
    const base = Number(m[1]);
    if (Number.isSafeInteger(base)) out.push({ base, path: join(dir, name) });
  }
  return out;
}

export { fsyncDir } from "../../lib/durable-file";

/** `write(2)` may write less than asked; loop until all of `buf` is at `position`. */
export async function writeAll(fh: FileHandle, buf: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < buf.length) {
    const { bytesWritten } = await fh.write(buf, done, buf.length - done, position + done);
    if (bytesWritten <= 0) throw new Error(`short write: 0 bytes at ${position + done}`);
    done += bytesWritten;
  }
}

/** Read exactly `length` bytes at `position` (fewer only if the file is shorter). */
export async function readAt(path: string, position: number, length: number): Promise<Buffer> {
  const fh = await open(path, "r");
  try {
    const buf = Buffer.alloc(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await fh.read(buf, done, length - done, position + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done === length ? buf : buf.subarray(0, done);
  } finally {
    await fh.close();
  }
}

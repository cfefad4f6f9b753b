import type { Stats } from "node:fs";
import { open, stat } from "node:fs/promises";
import { isErrno } from "../../lib/durable-file";
import { gzipDeclaredSize, readHead } from "./fingerprint";
import type { FileEntry } from "./offsets";
import type { RotatedFile } from "./rotated";

/** Small file probes of the tailer; a file rotated away between two calls reads as absent (null). */
export async function statOrNull(path: string): Promise<Stats | null> {
  try {
    return await stat(path);
  } catch (err) {
    if (isErrno(err, "ENOENT")) return null;
    throw err;
  }
}

export async function headOf(path: string): Promise<Buffer | null> {
  try {
    const fh = await open(path, "r");
    try {
      return await readHead(fh);
    } finally {
      await fh.close();
    }
  } catch (err) {
    if (isErrno(err, "ENOENT")) return null;
    throw err;
  }
}

/** Was everything in this rotated file already passed on? */
export async function isFullyRead(r: RotatedFile, entry: FileEntry): Promise<boolean> {
  if (r.gzip) {
    const declared = await gzipDeclaredSize(r.path);
    // ISIZE is modulo 2^32: only trusted for an offset below 4 GiB.
    return declared !== null && entry.offset < 2 ** 32 && entry.offset >= declared;
  }
  const st = await statOrNull(r.path);
  return st === null || entry.offset >= st.size;
}

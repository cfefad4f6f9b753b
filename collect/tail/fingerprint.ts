import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { createGunzip } from "node:zlib";

/**
 * A file's identity by content: SHA-256 of its first FP_BYTES bytes (of the
 * decompressed content for .gz). It survives rename and compression, which
 * change device and inode, and tells a truncated-and-rewritten file from the
 * one we were reading. 1 KiB holds a dozen syslog lines, each starting with a
 * timestamp, so two different log files practically never share it. A file
 * shorter than that is fingerprinted over what it has (`len`) and the
 * fingerprint is extended once it grows.
 */
export const FP_BYTES = 1024;

export interface Fingerprint {
  fp: string;
  len: number;
}

export function fingerprintOf(head: Buffer, len = Math.min(head.length, FP_BYTES)): Fingerprint {
  return { fp: createHash("sha256").update(head.subarray(0, len)).digest("hex"), len };
}

/** Does `head` (a file's first bytes) start with the content fingerprinted as `fp`? */
export function headMatches(head: Buffer, fp: Fingerprint): boolean {
  return fp.len > 0 && head.length >= fp.len && fingerprintOf(head, fp.len).fp === fp.fp;
}

export async function readHead(fh: FileHandle, len = FP_BYTES): Promise<Buffer> {
  const buf = Buffer.alloc(len);
  let got = 0;
  while (got < len) {
    const { bytesRead } = await fh.read(buf, got, len - got, got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return buf.subarray(0, got);
}

/** The first `len` decompressed bytes of a gzip file (stops decompressing there). */
export function readGzipHead(path: string, len = FP_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let got = 0;
    const input = createReadStream(path);
    const gunzip = createGunzip();
    const finish = (): void => {
      input.destroy();
      gunzip.destroy();
      resolve(Buffer.concat(chunks).subarray(0, len));
    };
    gunzip.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      got += chunk.length;
      if (got >= len) finish();
    });
    gunzip.on("end", finish);
    gunzip.on("error", reject);
    input.on("error", reject);
    input.pipe(gunzip);
  });
}

/**
 * The decompressed size recorded in a gzip trailer (ISIZE, RFC 1952 §2.3.1:
 * the last 4 bytes, little-endian, modulo 2^32). Lets a restart skip a fully
 * read rotated file without decompressing it; only trusted below 4 GiB.
 */
export async function gzipDeclaredSize(path: string): Promise<number | null> {
  const fh = await open(path, "r");
  try {
    const { size } = await fh.stat();
    if (size < 18) return null;
    const buf = Buffer.alloc(4);
    await fh.read(buf, 0, 4, size - 4);
    return buf.readUInt32LE(0);
  } finally {
    await fh.close();
  }
}

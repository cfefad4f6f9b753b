import { createReadStream } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { createGunzip } from "node:zlib";
import { LineSplitter, type RawLine } from "./lines";

/** Read size per call: 64 KiB keeps syscalls few and memory flat. */
const CHUNK = 64 * 1024;

export interface ReadLimits {
  maxLineBytes: number;
  maxBatchLines: number;
}

/**
 * Complete lines from `from` up to the file's size now, in groups of at
 * most `maxBatchLines`. A trailing partial line is left unread (its offset
 * is not passed) unless `final`, when the file will not grow again.
 */
export async function* readPlainLines(fh: FileHandle, from: number, limits: ReadLimits, final: boolean): AsyncGenerator<RawLine[]> {
  const { size } = await fh.stat();
  const splitter = new LineSplitter(from, limits.maxLineBytes);
  const buf = Buffer.alloc(CHUNK);
  let pos = from;
  let pending: RawLine[] = [];
  while (pos < size) {
    const { bytesRead } = await fh.read(buf, 0, Math.min(CHUNK, size - pos), pos);
    if (bytesRead === 0) break;
    pos += bytesRead;
    pending.push(...splitter.push(buf.subarray(0, bytesRead)));
    while (pending.length >= limits.maxBatchLines) {
      yield pending.slice(0, limits.maxBatchLines);
      pending = pending.slice(limits.maxBatchLines);
    }
  }
  if (final) {
    const last = splitter.flush();
    if (last !== null) pending.push(last);
  }
  if (pending.length > 0) yield pending;
}

/** Lines of a gzip file's decompressed content from decompressed offset `from` to its end. */
export async function* readGzipLines(path: string, from: number, limits: ReadLimits): AsyncGenerator<RawLine[]> {
  const splitter = new LineSplitter(from, limits.maxLineBytes);
  const stream = createReadStream(path).pipe(createGunzip());
  let skip = from;
  let pending: RawLine[] = [];
  for await (const chunk of stream) {
    if (!Buffer.isBuffer(chunk)) continue;
    let data = chunk;
    if (skip > 0) {
      const n = Math.min(skip, data.length);
      skip -= n;
      data = data.subarray(n);
      if (data.length === 0) continue;
    }
    pending.push(...splitter.push(data));
    while (pending.length >= limits.maxBatchLines) {
      yield pending.slice(0, limits.maxBatchLines);
      pending = pending.slice(limits.maxBatchLines);
    }
  }
  const last = splitter.flush();
  if (last !== null) pending.push(last);
  if (pending.length > 0) yield pending;
}

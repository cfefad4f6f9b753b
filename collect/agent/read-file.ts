import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { FP_BYTES, fingerprintOf } from "../tail/fingerprint";
import { LineSplitter } from "../tail/lines";

/** Same cut as the tailer's (64 KiB): a run-once pass and the daemon see the same lines. */
const MAX_LINE_BYTES = 64 * 1024;

export class FileReadError extends Error {
  override readonly name = "FileReadError";
  constructor(readonly path: string, cause: unknown) {
    super(`cannot read ${path}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

export interface FileLine {
  text: string;
  offset: number;
}

const isGzip = (path: string): boolean => path.endsWith(".gz");

function contentStream(path: string): Readable {
  const raw = createReadStream(path);
  return isGzip(path) ? raw.pipe(createGunzip()) : raw;
}

/**
 * The id the tailer gives this content (SHA-256 of its first 1 KiB,
 * decompressed for .gz), so run-once event ids equal the daemon's for a
 * file it first saw at ≥ 1 KiB.
 */
export async function contentId(path: string): Promise<string> {
  const parts: Buffer[] = [];
  let got = 0;
  try {
    // Fails here, clearly, on a missing or unreadable file; directories too.
    await (await open(path, "r")).close();
    for await (const chunk of contentStream(path)) {
      if (!Buffer.isBuffer(chunk)) continue;
      parts.push(chunk);
      got += chunk.length;
      if (got >= FP_BYTES) break;
    }
  } catch (err) {
    throw new FileReadError(path, err);
  }
  return fingerprintOf(Buffer.concat(parts)).fp;
}

/** Every line of a file (decompressed if .gz) with its byte offset; a last line without newline is included. */
export async function* fileLines(path: string): AsyncGenerator<FileLine[]> {
  const splitter = new LineSplitter(0, MAX_LINE_BYTES);
  try {
    for await (const chunk of contentStream(path)) {
      if (!Buffer.isBuffer(chunk)) continue;
      const lines = splitter.push(chunk);
      if (lines.length > 0) yield lines.map((l) => ({ text: l.text, offset: l.offset }));
    }
  } catch (err) {
    throw new FileReadError(path, err);
  }
  const last = splitter.flush();
  if (last !== null) yield [{ text: last.text, offset: last.offset }];
}

/** The whole decompressed content, for a JSON document (a k8s EventList file); bounded. */
export async function fileText(path: string, maxBytes: number): Promise<string | null> {
  const parts: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of contentStream(path)) {
      if (!Buffer.isBuffer(chunk)) continue;
      size += chunk.length;
      if (size > maxBytes) return null;
      parts.push(chunk);
    }
  } catch (err) {
    throw new FileReadError(path, err);
  }
  return Buffer.concat(parts).toString("utf8");
}

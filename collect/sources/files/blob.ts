import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readFile, readlink, type FileHandle } from "node:fs/promises";

/**
 * git blob object ids: SHA-1 of "blob <size>\0<content>", so a host file's
 * hash compares directly with repository blobs (`git hash-object`). A
 * symlink is hashed as git stores it: a blob of its target path string.
 */
export function blobIdOf(content: Buffer): string {
  return createHash("sha1").update(`blob ${content.length}\0`).update(content).digest("hex");
}

export class FileChangedWhileHashingError extends Error {
  constructor(readonly path: string, expected: number, got: number) {
    super(`${path} changed size while being hashed (${expected} → ${got} bytes); it will be hashed again`);
    this.name = "FileChangedWhileHashingError";
  }
}

/** Streamed hash of a file of known size (64 KiB reads: flat memory for any size). */
export function blobIdOfFile(path: string, size: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha1").update(`blob ${size}\0`);
    let got = 0;
    const stream = createReadStream(path, { highWaterMark: 64 * 1024 });
    stream.on("data", (chunk) => {
      if (typeof chunk === "string") return;
      got += chunk.length;
      hash.update(chunk);
    });
    stream.on("error", reject);
    stream.on("end", () => (got === size ? resolve(hash.digest("hex")) : reject(new FileChangedWhileHashingError(path, size, got))));
  });
}

export async function blobIdOfSymlink(path: string): Promise<string> {
  return blobIdOf(Buffer.from(await readlink(path)));
}

/** Small files are read whole: the content is kept for the next line diff. */
export async function readSmall(path: string | FileHandle): Promise<Buffer> {
  return readFile(path);
}

/** git's binary heuristic (xdiff): a NUL byte in the first 8000 bytes. */
export function looksBinary(content: Buffer): boolean {
  return content.subarray(0, 8000).includes(0);
}

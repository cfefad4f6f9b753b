import { createHash } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * Where an archive goes: a local directory, or S3-compatible object storage
 * (`s3://bucket/prefix`). Parts are hashed as they are written, so the
 * manifest's sha256 is of the bytes that were stored.
 */
export interface ArchiveDestination {
  readonly description: string;
  /** Writes one file; resolves with its size and sha256. */
  put(file: string, bytes: Buffer): Promise<{ bytes: number; sha256: string }>;
}

export class ArchiveDestinationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ArchiveDestinationError";
  }
}

export const sha256 = (bytes: Buffer): string => createHash("sha256").update(bytes).digest("hex");

export async function localDirectory(dir: string): Promise<ArchiveDestination> {
  await mkdir(dir, { recursive: true });
  return {
    description: dir,
    async put(file, bytes) {
      // wx: an archive never overwrites a file already there (an earlier export into the same directory).
      await writeFile(join(dir, file), bytes, { flag: "wx" }).catch((error: unknown) => {
        if (error instanceof Error && "code" in error && error.code === "EEXIST") throw new ArchiveDestinationError(`${join(dir, file)} exists already: export into an empty directory`);
        throw error;
      });
      return { bytes: bytes.length, sha256: sha256(bytes) };
    },
  };
}

export interface S3Location {
  bucket: string;
  prefix: string;
}

/** `s3://bucket/some/prefix` → bucket and prefix (no leading or trailing slash); an error naming what is wrong otherwise. */
export function parseS3Url(url: string): S3Location {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  if (match?.[1] === undefined) throw new ArchiveDestinationError(`${url} is not an S3 location: use s3://bucket/prefix (bucket names are 3–63 lower-case letters, digits, dots and hyphens)`);
  return { bucket: match[1], prefix: (match[2] ?? "").replace(/^\/+|\/+$/g, "") };
}

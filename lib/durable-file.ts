import { open, readFile, rename, unlink } from "node:fs/promises";
import { dirname, join, basename } from "node:path";

/**
 * Replace a small state file atomically and durably: write a temporary file
 * beside it, fsync it, rename over the target, fsync the directory. After a
 * crash at any point the target holds either the old or the new content,
 * never a torn mix (rename(2) is atomic within one file system; the directory
 * fsync makes the rename itself survive a power cut).
 *
 * Used by the tailer's offsets, the signer's chain state, the files
 * baseline, the git indexer's tips and the spool's ack cursor.
 */
export async function writeFileDurably(path: string, data: string | Buffer, mode = 0o600): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fh = await open(tmp, "w", mode);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } catch (err) {
    await fh.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fh.close();
  await rename(tmp, path);
  await fsyncDir(dirname(path));
}

export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** True for a Node fs error with the given code (ENOENT, EACCES…). */
export function isErrno(err: unknown, code: string): boolean {
  return err instanceof Error && "code" in err && err.code === code;
}

/**
 * Reads a small JSON state file written by writeFileDurably: the parsed
 * value, or null when the file does not exist yet (first run). Content that
 * is not JSON is the caller's typed error (`notJson`), naming the file.
 */
export async function readJsonState(path: string, notJson: (path: string) => Error): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if (isErrno(err, "ENOENT")) return null;
    throw err;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw notJson(path);
  }
}

import type { Stats } from "node:fs";
import type { FileOp } from "../../../schemas";
import type { BaselineEntry } from "./baseline";
import { blobIdOf, blobIdOfFile, blobIdOfSymlink, looksBinary, readSmall } from "./blob";

/**
 * One path now versus the baseline: which change (if any) it is.
 * Unchanged fast path: same kind, inode, size, mode, owner, mtime and ctime
 * means the content was not touched (ctime cannot be set by a user, so
 * `touch -r` to fake an old mtime still shows). Otherwise the content is
 * hashed: small files (≤ maxDiffBytes) are read whole to keep their text for
 * the next diff; larger ones are streamed.
 */
export interface Observed {
  entry: BaselineEntry;
  /** The content, when it is text and small enough to diff. */
  text: Buffer | null;
}

export interface Change {
  op: FileOp;
  path: string;
  before: BaselineEntry | undefined;
  after: Observed | undefined;
}

export function unchanged(before: BaselineEntry | undefined, st: Stats): boolean {
  return (
    before !== undefined &&
    before.kind === (st.isSymbolicLink() ? "symlink" : "file") &&
    before.ino === st.ino &&
    before.size === st.size &&
    before.mode === (st.mode & 0o7777) &&
    before.uid === st.uid &&
    before.mtimeMs === st.mtimeMs &&
    before.ctimeMs === st.ctimeMs
  );
}

export async function observe(path: string, st: Stats, maxDiffBytes: number): Promise<Observed> {
  const meta = { size: st.size, mode: st.mode & 0o7777, uid: st.uid, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino };
  if (st.isSymbolicLink()) return { entry: { kind: "symlink", blob: await blobIdOfSymlink(path), stored: false, ...meta }, text: null };
  if (st.size <= maxDiffBytes) {
    const content = await readSmall(path);
    const text = looksBinary(content) ? null : content;
    return { entry: { kind: "file", blob: blobIdOf(content), stored: text !== null, ...meta, size: content.length }, text };
  }
  return { entry: { kind: "file", blob: await blobIdOfFile(path, st.size), stored: false, ...meta }, text: null };
}

/** The change between the baseline entry and what is there now, or null (only times changed). */
export function classify(path: string, before: BaselineEntry | undefined, after: Observed | undefined): Change | null {
  if (before === undefined && after === undefined) return null;
  if (before === undefined) return { op: "create", path, before, after };
  if (after === undefined) return { op: "delete", path, before, after };
  if (before.blob !== after.entry.blob || before.kind !== after.entry.kind) return { op: "modify", path, before, after };
  if (before.mode !== after.entry.mode || before.uid !== after.entry.uid) return { op: "chmod", path, before, after };
  return null;
}

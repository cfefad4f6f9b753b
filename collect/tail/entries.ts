import type { Stats } from "node:fs";
import { fingerprintOf, headMatches } from "./fingerprint";
import type { FileEntry, TailState } from "./offsets";

/** The state entry whose fingerprint this file content starts with (the longest match), extending it if the file grew. */
export function matchEntry(state: TailState, head: Buffer): FileEntry | undefined {
  let best: FileEntry | undefined;
  for (const e of state.files) {
    if (headMatches(head, { fp: e.fp, len: e.fp_len }) && (best === undefined || e.fp_len > best.fp_len)) best = e;
  }
  if (best !== undefined) extendFingerprint(best, head);
  return best;
}

export function addEntry(state: TailState, head: Buffer, path: string, st: Stats, offset: number): FileEntry {
  const { fp, len } = fingerprintOf(head);
  const entry: FileEntry = { id: fp, fp, fp_len: len, dev: st.dev, ino: st.ino, offset, done: false, path, seen_at: Date.now() };
  state.files.push(entry);
  return entry;
}

/** A file shorter than FP_BYTES when first seen gets its fingerprint extended as it grows (its id stays). */
export function extendFingerprint(entry: FileEntry, head: Buffer): void {
  if (head.length <= entry.fp_len || !headMatches(head, { fp: entry.fp, len: entry.fp_len })) return;
  const next = fingerprintOf(head);
  entry.fp = next.fp;
  entry.fp_len = next.len;
}

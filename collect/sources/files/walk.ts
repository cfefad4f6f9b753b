import type { Stats } from "node:fs";
import { lstat, opendir } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { isErrno } from "../../../lib/durable-file";
import type { PathFilter } from "../../../lib/glob";

/**
 * Streams the files and symlinks under a root, depth first, one directory
 * handle open at a time plus a stack of pending directory paths: memory
 * grows with the number of directories waiting, never with file contents.
 * Symlinks are reported as symlinks and never followed (lstat only), so a
 * link to / cannot pull the walk out of the watched root. Sockets, FIFOs
 * and devices are skipped.
 */
export interface Found {
  path: string;
  st: Stats;
}

export async function* walk(root: string, filter: PathFilter): AsyncGenerator<Found> {
  const top = await lstatOrNull(root);
  if (top === null) return;
  if (!top.isDirectory()) {
    if ((top.isFile() || top.isSymbolicLink()) && filter.includes(root)) yield { path: root, st: top };
    return;
  }
  const pending = [root];
  for (let dir = pending.pop(); dir !== undefined; dir = pending.pop()) {
    let handle;
    try {
      handle = await opendir(dir, { bufferSize: 64 });
    } catch (err) {
      if (isErrno(err, "ENOENT") || isErrno(err, "ENOTDIR")) continue; // removed meanwhile
      throw err;
    }
    for await (const dirent of handle) {
      const path = join(dir, dirent.name);
      const st = await lstatOrNull(path);
      if (st === null) continue;
      if (st.isDirectory()) {
        if (!filter.prunes(path)) pending.push(path);
      } else if ((st.isFile() || st.isSymbolicLink()) && filter.includes(path)) {
        yield { path, st };
      }
    }
  }
}

export async function lstatOrNull(path: string): Promise<Stats | null> {
  try {
    return await lstat(path);
  } catch (err) {
    if (isErrno(err, "ENOENT") || isErrno(err, "ENOTDIR")) return null;
    throw err;
  }
}

/**
 * Is `path` inside `root` through real directories only? A watch event
 * names a path; if one of its parents is a symlink, lstat would follow it
 * out of the root. Checks each component below the root with lstat.
 */
export async function reachableWithoutSymlinks(root: string, path: string): Promise<boolean> {
  const rel = relative(root, path);
  if (rel === "" ) return true;
  if (rel.startsWith("..") || rel.startsWith(sep)) return false;
  const parts = rel.split(sep);
  let at = root;
  for (const part of parts.slice(0, -1)) {
    at = join(at, part);
    const st = await lstatOrNull(at);
    if (st === null || !st.isDirectory()) return false;
  }
  return true;
}

import { readdir, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { isErrno } from "../../lib/durable-file";

/**
 * Rotated generations of a log, oldest first: `auth.log.1`, `auth.log.2.gz`
 * (logrotate's numbered scheme) and `auth.log-20261121[.gz]` (dateext).
 * Ordered by mtime (rotation and gzip keep it), ties broken by the
 * generation number (a higher number is older).
 */
export interface RotatedFile {
  path: string;
  gzip: boolean;
  mtimeMs: number;
  generation: number;
}

const SUFFIX = /^[.-](\d{1,4}|\d{8}(?:\d{2})?(?:-\d+)?)(\.gz)?$/;

export async function listRotated(logPath: string): Promise<RotatedFile[]> {
  const dir = dirname(logPath);
  const base = basename(logPath);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if (isErrno(err, "ENOENT")) return [];
    throw err;
  }
  const out: RotatedFile[] = [];
  for (const name of names) {
    if (!name.startsWith(base) || name === base) continue;
    const m = SUFFIX.exec(name.slice(base.length));
    if (m === null) continue;
    const path = join(dir, name);
    try {
      const st = await stat(path);
      if (!st.isFile()) continue;
      const num = Number(m[1]);
      out.push({ path, gzip: m[2] !== undefined, mtimeMs: st.mtimeMs, generation: (m[1] ?? "").length <= 4 ? num : 0 });
    } catch (err) {
      if (!isErrno(err, "ENOENT")) throw err; // rotated away meanwhile
    }
  }
  return out.sort((a, b) => a.mtimeMs - b.mtimeMs || b.generation - a.generation);
}

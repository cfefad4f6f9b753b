import { statSync } from "node:fs";

/**
 * SourceContext.fileTime for a tailed path: the file's modification time the
 * first time a parser meets each file identity (the tailer's `dev:inode` or
 * content fingerprint), so a year-less syslog line is dated by the file it
 * came from. Read once per identity: a live file's mtime moves with every
 * line, and the first reading is the anchor that matters (syslog-year.ts
 * follows the lines from there). A file that cannot be stat'ed gives
 * undefined: the parser falls back to now().
 */
const MAX_IDS = 64;

export function fileTimes(path: string): (fileId: string) => Date | undefined {
  const seen = new Map<string, Date | undefined>();
  return (fileId) => {
    if (seen.has(fileId)) return seen.get(fileId);
    let mtime: Date | undefined;
    try {
      mtime = statSync(path).mtime;
    } catch {
      mtime = undefined;
    }
    if (seen.size >= MAX_IDS) seen.clear();
    seen.set(fileId, mtime);
    return mtime;
  };
}

import { lstatSync, readdirSync, watch, type FSWatcher } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { Logger } from "../../../lib/log";

/**
 * Live notifications for the watched roots: one non-recursive fs.watch per
 * directory (inotify on the directory), never per file. Node 20's
 * `recursive: true` on Linux watches each file's inode, so once a file is
 * replaced by rename — editors, Ansible, Puppet and most deploy tools write
 * a temp file and `mv` it over — writes to the new inode go unseen until
 * the next full rescan (issue #12, class 6: four writes including one
 * `mv tmp a.conf` gave 2 events). A directory watch names the entry for
 * in-place writes and renames alike. New subdirectories are watched as they
 * appear; a root that is a file is watched through its directory, filtered
 * to its name. Paths are gathered for `debounceMs` and handed over together,
 * so an editor's write-rename-chmod burst is examined once.
 */
export class PathWatcher {
  private readonly dirs = new Map<string, FSWatcher>();
  private pending = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    roots: readonly string[],
    private readonly debounceMs: number,
    private readonly onPaths: (paths: string[]) => void,
    private readonly log: Logger,
  ) {
    for (const root of roots) {
      if (isDirectory(root)) this.watchTree(root);
      else this.watchDir(dirname(root), basename(root));
    }
  }

  /** Examine this path soon (also used to look again at a file that was being written). */
  add(path: string): void {
    if (this.stopped) return;
    this.pending.add(path);
    if (this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      const paths = [...this.pending];
      this.pending.clear();
      this.onPaths(paths);
    }, this.debounceMs);
  }

  stop(): void {
    this.stopped = true;
    for (const w of this.dirs.values()) w.close();
    this.dirs.clear();
    if (this.timer !== null) clearTimeout(this.timer);
  }

  /** Watches `dir` and every directory below it (symlinks are not followed). */
  private watchTree(dir: string): void {
    const stack = [dir];
    while (stack.length > 0) {
      const next = stack.pop();
      if (next === undefined || !this.watchDir(next)) continue;
      try {
        for (const entry of readdirSync(next, { withFileTypes: true })) if (entry.isDirectory()) stack.push(join(next, entry.name));
      } catch (err) {
        this.log.warn({ err, dir: next }, "cannot list directory to watch; periodic rescans cover it");
      }
    }
  }

  private unwatchTree(path: string): void {
    for (const [dir, w] of this.dirs) {
      if (dir !== path && !dir.startsWith(`${path}/`)) continue;
      w.close();
      this.dirs.delete(dir);
    }
  }

  /** One directory watch; `only` restricts it to one entry (a root that is a file). False when it cannot be watched. */
  private watchDir(dir: string, only?: string): boolean {
    if (this.stopped || this.dirs.has(dir)) return !this.stopped;
    try {
      const w = watch(dir, { persistent: false }, (event, name) => {
        if (only !== undefined && name !== only) return;
        const path = name === null ? dir : join(dir, name);
        this.add(path);
        if (event !== "rename" || only !== undefined || name === null) return;
        // A directory created or moved in: watch it too (its files are examined through the path just added);
        // one moved away or deleted: drop its watches, so a directory made again under that name is watched anew.
        if (isDirectory(path)) this.watchTree(path);
        else this.unwatchTree(path);
      });
      w.on("error", (err) => {
        this.log.warn({ err, dir }, "directory watch ended; periodic rescans continue");
        w.close();
        this.dirs.delete(dir);
      });
      this.dirs.set(dir, w);
      return true;
    } catch (err) {
      this.log.warn({ err, dir }, "fs.watch unavailable; relying on periodic rescans");
      return false;
    }
  }
}

function isDirectory(path: string): boolean {
  try {
    // lstat: a symlink to a directory is recorded as a link, never followed out of the root.
    return lstatSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
  } catch {
    return false;
  }
}

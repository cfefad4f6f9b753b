import { watch, type FSWatcher } from "node:fs";
import { join } from "node:path";
import type { Logger } from "../../../lib/log";

/**
 * Live notifications for the watched roots: fs.watch recursive (on Linux,
 * Node 20.20 implements it by watching each directory, new ones included)
 * with the named paths gathered for `debounceMs` and handed over together,
 * so an editor's write-rename-chmod burst is examined once.
 */
export class PathWatcher {
  private watchers: FSWatcher[] = [];
  private pending = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    roots: readonly string[],
    private readonly debounceMs: number,
    private readonly onPaths: (paths: string[]) => void,
    log: Logger,
  ) {
    for (const root of roots) {
      try {
        const w = watch(root, { recursive: true, persistent: false }, (_event, name) => this.add(name === null ? root : join(root, name)));
        w.on("error", (err) => log.warn({ err, root }, "fs.watch failed; periodic rescans continue"));
        this.watchers.push(w);
      } catch (err) {
        log.warn({ err, root }, "fs.watch unavailable; relying on periodic rescans");
      }
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
    for (const w of this.watchers) w.close();
    this.watchers = [];
    if (this.timer !== null) clearTimeout(this.timer);
  }
}

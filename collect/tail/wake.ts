import { watch, type FSWatcher } from "node:fs";
import { basename, dirname } from "node:path";
import type { Logger } from "../../lib/log";

/**
 * When to look at a log again: fs.watch on its directory (creation,
 * rename, writes of the file and its rotated siblings) plus a polling
 * interval for file systems where watch misses events (NFS, some overlay
 * setups). The interval is not unref'd: a tailer waiting for lines keeps
 * its process alive until `stop()`.
 */
export class Waker {
  private watcher: FSWatcher | null = null;
  private readonly timer: NodeJS.Timeout;
  private dirty = true;
  private stopped = false;
  private resolveSleep: (() => void) | null = null;

  constructor(path: string, pollIntervalMs: number, useWatch: boolean, log: Logger) {
    this.timer = setInterval(() => this.wake(), pollIntervalMs);
    if (!useWatch) return;
    const base = basename(path);
    try {
      this.watcher = watch(dirname(path), { persistent: false }, (_event, name) => {
        if (name === null || name.startsWith(base)) this.wake();
      });
      this.watcher.on("error", (err) => {
        log.warn({ err, poll_interval_ms: pollIntervalMs }, "fs.watch failed; relying on polling");
        this.watcher?.close();
        this.watcher = null;
      });
    } catch (err) {
      log.warn({ err, poll_interval_ms: pollIntervalMs }, "fs.watch unavailable; relying on polling");
    }
  }

  /** Called before looking: events from now on make the next sleep return at once. */
  clear(): void {
    this.dirty = false;
  }

  wake(): void {
    this.dirty = true;
    const r = this.resolveSleep;
    this.resolveSleep = null;
    r?.();
  }

  sleep(): Promise<void> {
    if (this.dirty || this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      this.resolveSleep = resolve;
    });
  }

  stop(): void {
    this.stopped = true;
    this.watcher?.close();
    this.watcher = null;
    clearInterval(this.timer);
    this.wake();
  }
}

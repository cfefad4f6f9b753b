import type { Stats } from "node:fs";
import { resolve } from "node:path";
import type { AuditEvent } from "../../../schemas";
import { createLogger, type Logger } from "../../../lib/log";
import { Baseline } from "./baseline";
import { FileChangedWhileHashingError } from "./blob";
import { changeEvent } from "./event";
import { keptContent } from "./kept";
import { PathFilter } from "../../../lib/glob";
import { dedupe, diffOf } from "./changes";
import { classify, observe, unchanged, type Change, type Observed } from "./observe";
import { OwnerNames } from "./owner";
import { lstatOrNull, reachableWithoutSymlinks, walk } from "./walk";
import { PathWatcher } from "./watcher";
import type { FilesSourceOptions, ScanStats } from "./options";

const BATCH = 500;

/**
 * File-integrity monitoring of configured roots; see README.md here for the
 * design (baseline, restarts, symlinks, memory).
 */
export class FilesSource {
  private readonly roots: string[];
  private readonly filter: PathFilter;
  private readonly owners = new OwnerNames();
  private readonly maxDiffBytes: number;
  private queue: Promise<unknown> = Promise.resolve();
  private watcher: PathWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private started = false;

  private constructor(private readonly opts: FilesSourceOptions, private readonly baseline: Baseline, private readonly log: Logger) {
    this.roots = opts.roots.map((r) => resolve(r));
    this.filter = new PathFilter(opts.include, opts.exclude);
    this.maxDiffBytes = opts.maxDiffBytes ?? 1024 * 1024;
  }

  static async open(opts: FilesSourceOptions): Promise<FilesSource> {
    const log = opts.log ?? createLogger("files");
    return new FilesSource(opts, await Baseline.open(opts.stateDir), log);
  }

  /** Initial scan (reports what changed while stopped), then live watching and periodic rescans. */
  async start(): Promise<ScanStats> {
    this.started = true;
    const stats = await this.scan();
    if (this.opts.watch !== false) {
      this.watcher = new PathWatcher(this.roots, this.opts.debounceMs ?? 250, (paths) => {
        void this.examinePaths(paths).catch((err: unknown) => this.log.error({ err }, "examining changed paths failed"));
      }, this.log);
    }
    this.timer = setInterval(() => void this.scan().catch((err: unknown) => this.log.error({ err }, "rescan failed")), this.opts.rescanIntervalMs ?? 600_000);
    return stats;
  }

  /**
   * Stops watching, then one last full scan: whatever changed since the last
   * event (a write the watcher had not delivered yet, anything it missed) is
   * reported before the collector goes, not 300 s after its next start.
   */
  async close(): Promise<void> {
    this.watcher?.stop();
    this.watcher = null;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.queue.catch(() => undefined);
    if (!this.started) return;
    this.started = false;
    await this.scan();
  }

  /** Compare every watched path with the baseline; emit the differences; save the baseline. */
  scan(): Promise<ScanStats> {
    return this.exclusive(async () => {
      const started = Date.now();
      const silent = this.baseline.firstRun && this.opts.reportInitial !== true;
      const seen = new Set<string>();
      const stats: ScanStats = { files: 0, hashed: 0, changes: 0 };
      let batch: Change[] = [];
      for (const root of this.roots) {
        for await (const { path, st } of walk(root, this.filter)) {
          stats.files += 1;
          seen.add(path);
          const change = await this.examine(path, st, stats);
          if (change !== null && !silent) batch.push(change);
          else if (change !== null) await this.apply(change);
          if (batch.length >= BATCH) {
            stats.changes += await this.publish(batch);
            batch = [];
          }
        }
      }
      for (const [path, before] of this.baseline.entries) {
        if (!seen.has(path) && this.underRoots(path)) batch.push({ op: "delete", path, before, after: undefined });
      }
      stats.changes += await this.publish(batch);
      await this.baseline.save();
      await this.baseline.collectGarbage();
      this.log.info({ ...stats, ms: Date.now() - started, first_run: silent }, "files scan done");
      return stats;
    });
  }

  private async examine(path: string, st: Stats, stats: ScanStats): Promise<Change | null> {
    const before = this.baseline.entries.get(path);
    if (unchanged(before, st)) return null;
    let after: Observed;
    try {
      after = await observe(path, st, this.maxDiffBytes);
    } catch (err) {
      if (err instanceof FileChangedWhileHashingError) {
        this.schedule(path); // being written: look again after the debounce
        return null;
      }
      if (err instanceof Error && "code" in err && (err.code === "ENOENT" || err.code === "EACCES")) {
        this.log.warn({ path, code: err.code }, "file vanished or unreadable while hashing");
        return null;
      }
      throw err;
    }
    stats.hashed += 1;
    const change = classify(path, before, after);
    // Only times changed (touch): no event, but remember the new times.
    if (change === null) this.baseline.entries.set(path, after.entry);
    return change;
  }

  /** Emit the changes' events; once durable, advance the baseline. Returns how many. */
  private async publish(changes: Change[]): Promise<number> {
    if (changes.length === 0) return 0;
    const events: AuditEvent[] = [];
    const now = new Date();
    for (const change of changes) {
      const uid = change.after?.entry.uid ?? change.before?.uid;
      events.push(
        changeEvent(change, {
          host: this.opts.host,
          env: this.opts.env,
          ...(this.opts.labels ? { labels: this.opts.labels } : {}),
          kept: keptContent(change, this.opts.keepContent),
          diff: await diffOf(change, this.baseline),
          owner: uid === undefined ? undefined : await this.owners.nameOf(uid),
          now,
        }),
      );
    }
    await this.opts.emit(events);
    for (const change of changes) await this.apply(change);
    return changes.length;
  }

  private async apply(change: Change): Promise<void> {
    if (change.after === undefined) {
      this.baseline.entries.delete(change.path);
      return;
    }
    if (change.after.text !== null) await this.baseline.storeObject(change.after.entry.blob, change.after.text);
    this.baseline.entries.set(change.path, change.after.entry);
  }

  private underRoots(path: string): boolean {
    return this.roots.some((r) => path === r || path.startsWith(`${r}/`));
  }

  private schedule(path: string): void {
    this.watcher?.add(path);
  }

  /** Live path: look at the paths fs.watch named (a directory means its subtree). */
  examinePaths(paths: readonly string[]): Promise<number> {
    return this.exclusive(async () => {
      const changes: Change[] = [];
      const stats: ScanStats = { files: 0, hashed: 0, changes: 0 };
      for (const path of paths) {
        const root = this.roots.find((r) => path === r || path.startsWith(`${r}/`));
        if (root === undefined || !(await reachableWithoutSymlinks(root, path))) continue;
        const st = await lstatOrNull(path);
        if (st?.isDirectory() === true) {
          const seen = new Set<string>();
          for await (const found of walk(path, this.filter)) {
            seen.add(found.path);
            const c = await this.examine(found.path, found.st, stats);
            if (c !== null) changes.push(c);
          }
          for (const [p, before] of this.baseline.entries) if (p.startsWith(`${path}/`) && !seen.has(p)) changes.push({ op: "delete", path: p, before, after: undefined });
        } else if (st !== null && (st.isFile() || st.isSymbolicLink())) {
          if (!this.filter.includes(path)) continue;
          const c = await this.examine(path, st, stats);
          if (c !== null) changes.push(c);
        } else {
          const before = this.baseline.entries.get(path);
          if (before !== undefined) changes.push({ op: "delete", path, before, after: undefined });
          for (const [p, b] of this.baseline.entries) if (p.startsWith(`${path}/`)) changes.push({ op: "delete", path: p, before: b, after: undefined });
        }
      }
      const n = await this.publish(dedupe(changes));
      await this.baseline.save();
      return n;
    });
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

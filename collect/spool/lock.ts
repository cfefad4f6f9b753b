import { open, readFile, unlink } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "../../lib/log";
import { SpoolError, SpoolLockedError } from "./errors";

/**
 * Single-process ownership of a spool directory: `spool.lock` is created with
 * O_EXCL and holds the owner's pid. A lock whose pid is dead (the collector was
 * SIGKILLed) is stale and taken over. Limits, accepted on purpose:
 * - pid reuse can make a stale lock look live; we then refuse to start (safe side);
 * - two processes breaking the same stale lock at the same instant could both
 *   win; collectors are started by one supervisor, so this needs a double start
 *   within microseconds of each other.
 */
const LOCK_FILE = "spool.lock";

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return err instanceof Error && "code" in err && err.code === "EPERM";
  }
}

function errCode(err: unknown): unknown {
  return err instanceof Error && "code" in err ? err.code : undefined;
}

export interface SpoolLock {
  readonly path: string;
  release(): Promise<void>;
}

export async function acquireLock(dir: string, log: Logger): Promise<SpoolLock> {
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(path, "wx");
      try {
        await fh.writeFile(`${process.pid}\n`);
        await fh.sync();
      } finally {
        await fh.close();
      }
      return {
        path,
        release: async () => {
          await unlink(path).catch((err: unknown) => {
            if (errCode(err) !== "ENOENT") throw err;
          });
        },
      };
    } catch (err) {
      if (errCode(err) !== "EEXIST") throw err;
    }
    const text = await readFile(path, "utf8").catch(() => "");
    const pid = Number.parseInt(text.trim(), 10);
    // An empty or unparsable lock: its owner died between create and write.
    if (Number.isSafeInteger(pid) && pid > 0 && isAlive(pid)) throw new SpoolLockedError(path, pid);
    log.warn({ file: path, stale_pid: Number.isNaN(pid) ? null : pid }, "taking over stale spool lock");
    await unlink(path).catch((e: unknown) => {
      if (errCode(e) !== "ENOENT") throw e;
    });
  }
  throw new SpoolError(`could not take spool lock ${path}: another process keeps recreating it`, { file: path });
}

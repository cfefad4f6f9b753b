import type { Logger } from "../../lib/log";
import type { TailCheckpoint } from "./offsets";

/** The tailer's public shapes; see README.md for the guarantees. */
export interface TailerOptions {
  /** The live log, e.g. /var/log/auth.log. Rotated siblings (.1, .2.gz, -20261121) are found beside it. */
  path: string;
  /** Where offsets are kept (one file per tailed log). */
  stateFile: string;
  /** First run only (no state): read the current file from its start (default) or only new lines. */
  startAt?: "beginning" | "end";
  /** Polling fallback when fs.watch misses an event (NFS, overlayfs): default 1000 ms. */
  pollIntervalMs?: number;
  /** After a rename rotation the old file is still read this long (the writer reopens on HUP). Default 5000 ms. */
  rotateGraceMs?: number;
  /** Set false to rely on polling alone. */
  watch?: boolean;
  /** Longer lines are cut into pieces marked truncated. Default 64 KiB (syslog's max is 8 KiB). */
  maxLineBytes?: number;
  maxBatchLines?: number;
  /** A checkpoint the consumer stored atomically with its data; used when newer than the state file. */
  resumeFrom?: TailCheckpoint | null;
  log?: Logger;
}

export interface TailLine {
  text: string;
  path: string;
  /** Stable id of the file content (its first fingerprint); with `offset` it identifies the line across rotation and restarts. */
  fileId: string;
  offset: number;
  truncated: boolean;
}

export interface TailBatch {
  lines: TailLine[];
  /** The state after these lines; store it with your data for exactly-once, or just call commit(). */
  checkpoint: TailCheckpoint;
  /** Persist the offsets past these lines. Call only once they are durable on your side; in order. */
  commit(): Promise<void>;
}

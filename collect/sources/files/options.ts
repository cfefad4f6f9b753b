import type { AuditEvent } from "../../../schemas";
import type { Logger } from "../../../lib/log";

export interface FilesSourceOptions {
  /** Files or directories watched recursively (absolute or relative to cwd). */
  roots: string[];
  include?: string[];
  exclude?: string[];
  /** Holds baseline.jsonl and objects/. */
  stateDir: string;
  host: string;
  env: string;
  /**
   * Keep the new content of text files under these paths (directory prefixes
   * ending in '/', or files) in the change event's `raw`, redacted like
   * commands and at most `maxBytes` (≤ 16 KiB, the event's raw bound), so
   * `prodtrail drift patch` can turn a hotfix into a commit. Off by default:
   * host file content leaves the host only where someone opted in.
   */
  keepContent?: { paths: readonly string[]; maxBytes: number };
  /** Stamped on every change (collect.labels), so drift mappings can select by them. */
  labels?: Readonly<Record<string, string>>;
  /** Resolves once the events are durable (spooled); the baseline advances only after. */
  emit: (events: AuditEvent[]) => Promise<void>;
  /** Text files up to this size are diffed and kept for the next diff. Default 1 MiB. */
  maxDiffBytes?: number;
  /** Full rescans catch what fs.watch missed (overflow, NFS). Default 10 min. */
  rescanIntervalMs?: number;
  /** Live watching with fs.watch (recursive). Default true. */
  watch?: boolean;
  /** Watch events are gathered this long before the paths are examined. Default 250 ms. */
  debounceMs?: number;
  /** First run: report every existing file as "create" instead of silently taking it as the baseline. */
  reportInitial?: boolean;
  log?: Logger;
}

export interface ScanStats {
  files: number;
  hashed: number;
  changes: number;
}

import { execFileSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";

/**
 * uid → user name on this host, for auditd's numeric auid/uid/ouid fields
 * (auditd's RAW log format writes numbers; ENRICHED adds the names itself).
 *
 * Read at collection time, when the answer is the one that held when the
 * event happened: /etc/passwd first, then (for directory users: LDAP, sssd)
 * `getent passwd <uid>`, which asks NSS. Cached; the file is re-read when its
 * mtime changed, at most once per refresh interval, so a busy audit log costs
 * one stat a minute, not one per record. Unknown uids are remembered for the
 * same interval (getent takes milliseconds; an execve storm must not fork).
 */
export class PasswdFileError extends Error {
  override readonly name = "PasswdFileError";
  constructor(readonly path: string, detail: string) {
    super(`passwd file ${path}: ${detail}`);
  }
}

export interface PasswdFileOptions {
  /** Default /etc/passwd (`sources.auditd.passwd_file` in the config). */
  path?: string;
  /** getent for NSS users; null to use the file only (tests, containers without NSS). */
  getent?: string | null;
  /** Default 60 s: a new user is known within a minute. */
  refreshMs?: number;
  now?: () => number;
}

const LINE = /^([^:\s]{1,256}):[^:]*:(\d{1,10}):/;

export class PasswdFile {
  private readonly path: string;
  private readonly getent: string | null;
  private readonly refreshMs: number;
  private readonly now: () => number;
  private names = new Map<number, string>();
  private misses = new Set<number>();
  private mtimeMs = -1;
  private checkedAt = Number.NEGATIVE_INFINITY;
  /** The last re-read that failed while older names stayed in use; cleared by the next good read. */
  lastError: PasswdFileError | undefined;

  constructor(o: PasswdFileOptions = {}) {
    this.path = o.path ?? "/etc/passwd";
    this.getent = o.getent === undefined ? "getent" : o.getent;
    this.refreshMs = o.refreshMs ?? 60_000;
    this.now = o.now ?? Date.now;
  }

  name(uid: number): string | undefined {
    this.refresh();
    const known = this.names.get(uid);
    if (known !== undefined || this.misses.has(uid)) return known;
    const fromNss = this.lookupNss(uid);
    if (fromNss === undefined) this.misses.add(uid);
    else this.names.set(uid, fromNss);
    return fromNss;
  }

  private refresh(): void {
    const now = this.now();
    if (now - this.checkedAt < this.refreshMs) return;
    this.checkedAt = now;
    let mtimeMs: number;
    let text: string;
    try {
      mtimeMs = statSync(this.path).mtimeMs;
      if (mtimeMs === this.mtimeMs) {
        this.misses.clear();
        return;
      }
      text = readFileSync(this.path, "utf8");
    } catch (err) {
      const error = new PasswdFileError(this.path, err instanceof Error ? err.message : String(err));
      // At start: fail loudly (a wrong passwd_file). Later (a moment mid-rename by useradd): keep the names read last.
      if (this.mtimeMs === -1) throw error;
      this.lastError = error;
      return;
    }
    this.names = parsePasswd(text, this.path);
    this.lastError = undefined;
    this.misses = new Set();
    this.mtimeMs = mtimeMs;
  }

  private lookupNss(uid: number): string | undefined {
    if (this.getent === null) return undefined;
    try {
      const out = execFileSync(this.getent, ["passwd", String(uid)], { encoding: "utf8", timeout: 2000, stdio: ["ignore", "pipe", "ignore"] });
      return LINE.exec(out)?.[1];
    } catch {
      return undefined; // exit 2: no such uid
    }
  }
}

function parsePasswd(text: string, path: string): Map<number, string> {
  const names = new Map<number, string>();
  const lines = text.split("\n");
  for (const [i, line] of lines.entries()) {
    if (line === "" || line.startsWith("#") || line.startsWith("+") || line.startsWith("-")) continue; // NIS compat entries
    const m = LINE.exec(line);
    if (!m) throw new PasswdFileError(path, `line ${i + 1} is not \`name:password:uid:gid:…\``);
    const uid = Number(m[2]);
    // The first entry of a uid wins, as getpwuid(3) answers.
    if (!names.has(uid)) names.set(uid, m[1] ?? "");
  }
  return names;
}

import { posix } from "node:path";
import type { FileOp } from "../../../schemas";
import type { AuditRecord } from "./record";
import { rawValue, text } from "./record";
import { isAtFdcwd, opensForWrite, type SyscallClass } from "./syscalls";

/** One file a syscall changed, as auditd's PATH records describe it. */
export interface FileChange {
  op: FileOp;
  path: string;
  oldPath: string | undefined;
  mode: string | undefined;
  ownerRecord: AuditRecord | undefined;
  item: number;
}

export type FileChangeResult = { changes: FileChange[]; unresolved: number };

/** Which arguments of the *at syscalls are directory fds (symlinkat(target, newdirfd, linkpath), renameat(olddirfd, old, newdirfd, new)). */
const DIRFD_ARGS: Record<string, readonly string[]> = {
  openat: ["a0"], openat2: ["a0"], unlinkat: ["a0"], fchmodat: ["a0"], fchmodat2: ["a0"], fchownat: ["a0"], mkdirat: ["a0"],
  renameat: ["a0", "a2"], renameat2: ["a0", "a2"], linkat: ["a0", "a2"], symlinkat: ["a1"],
};

/**
 * PATH items carry `nametype`: PARENT (the directory, skipped), NORMAL (an
 * existing file), CREATE, DELETE. A rename logs DELETE for the old name and
 * CREATE for the new one: one `rename` change. Relative names resolve against
 * the CWD record only when the syscall used AT_FDCWD; a name relative to
 * another directory fd cannot be resolved from the log and is counted, not guessed.
 */
export function fileChanges(syscallName: string, cls: SyscallClass, syscall: AuditRecord, records: readonly AuditRecord[]): FileChangeResult {
  if (cls === "open") {
    const writes = opensForWrite(syscallName, rawValue(syscall, "a1"), rawValue(syscall, "a2"));
    if (writes === false) return { changes: [], unresolved: 0 };
  }
  const cwd = text(records.find((r) => r.type === "CWD"), "cwd");
  const relativeOk = (DIRFD_ARGS[syscallName] ?? []).every((arg) => isAtFdcwd(rawValue(syscall, arg)));
  const items = records
    .filter((r) => r.type === "PATH")
    .map((r) => ({ record: r, item: Number(rawValue(r, "item") ?? "0"), nametype: rawValue(r, "nametype"), name: text(r, "name") }))
    .filter((p) => p.nametype !== "PARENT" && p.name !== undefined)
    .sort((a, b) => a.item - b.item);
  let unresolved = 0;
  const resolved = items.flatMap((p) => {
    const name = p.name ?? "";
    if (name.startsWith("/")) return [{ ...p, path: posix.normalize(name) }];
    if (cwd !== undefined && cwd.startsWith("/") && relativeOk) return [{ ...p, path: posix.join(cwd, name) }];
    unresolved += 1;
    return [];
  });
  const changes: FileChange[] = [];
  const base = (p: (typeof resolved)[number], op: FileOp, oldPath?: string): FileChange => ({
    op, path: p.path, oldPath, mode: permissionBits(rawValue(p.record, "mode")), ownerRecord: p.record, item: p.item,
  });
  if (cls === "rename") {
    const created = resolved.find((p) => p.nametype === "CREATE");
    const removed = resolved.find((p) => p.nametype === "DELETE" && p.path !== created?.path);
    if (created) changes.push(base(created, "rename", removed?.path));
    return { changes, unresolved };
  }
  for (const p of resolved) {
    if (p.nametype === "CREATE") changes.push(base(p, "create"));
    else if (p.nametype === "DELETE") changes.push(base(p, "delete"));
    else if (cls === "attr") changes.push(base(p, "chmod"));
    else if (cls === "open" || cls === "truncate") changes.push(base(p, "modify"));
  }
  return { changes, unresolved };
}

/** `mode=0100644` (file type + permissions, octal) → `0644`. */
export function permissionBits(input: string | undefined): string | undefined {
  // `ausearch -i`: mode=file,600 or file,suid,755 — the octal bits come last.
  const mode = input?.includes(",") ? input.slice(input.lastIndexOf(",") + 1) : input;
  if (mode === undefined || !/^[0-7]{1,8}$/.test(mode)) return undefined;
  return (Number.parseInt(mode, 8) & 0o7777).toString(8).padStart(4, "0");
}

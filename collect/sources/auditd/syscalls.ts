/**
 * The syscalls that write files or run programs, by audit arch. Numbers from
 * the kernel's syscall tables (arch/x86/entry/syscalls/syscall_64.tbl,
 * include/uapi/asm-generic/unistd.h for aarch64). Enriched logs carry the
 * name (`SYSCALL=openat`) and need no table.
 */
export type SyscallClass = "exec" | "open" | "create" | "rename" | "delete" | "attr" | "truncate";

const X86_64: Record<string, string> = {
  "2": "open", "85": "creat", "257": "openat", "437": "openat2", "59": "execve", "322": "execveat",
  "82": "rename", "264": "renameat", "316": "renameat2", "87": "unlink", "263": "unlinkat", "84": "rmdir",
  "90": "chmod", "268": "fchmodat", "452": "fchmodat2", "92": "chown", "94": "lchown", "260": "fchownat",
  "76": "truncate", "86": "link", "265": "linkat", "88": "symlink", "266": "symlinkat", "83": "mkdir", "258": "mkdirat",
};
const AARCH64: Record<string, string> = {
  "56": "openat", "437": "openat2", "221": "execve", "281": "execveat", "38": "renameat", "276": "renameat2",
  "35": "unlinkat", "53": "fchmodat", "452": "fchmodat2", "54": "fchownat", "45": "truncate", "37": "linkat",
  "36": "symlinkat", "34": "mkdirat",
};
const BY_ARCH: Record<string, Record<string, string>> = { c000003e: X86_64, c00000b7: AARCH64 };

const CLASS: Record<string, SyscallClass> = {
  execve: "exec", execveat: "exec",
  open: "open", openat: "open", openat2: "open", creat: "create",
  link: "create", linkat: "create", symlink: "create", symlinkat: "create", mkdir: "create", mkdirat: "create",
  rename: "rename", renameat: "rename", renameat2: "rename",
  unlink: "delete", unlinkat: "delete", rmdir: "delete",
  chmod: "attr", fchmodat: "attr", fchmodat2: "attr", chown: "attr", lchown: "attr", fchownat: "attr",
  truncate: "truncate",
};

export function syscallName(arch: string | undefined, number: string | undefined, enrichedName: string | undefined): string | undefined {
  if (enrichedName) return enrichedName;
  if (arch === undefined || number === undefined) return undefined;
  if (/^[a-z_][a-z0-9_]{1,31}$/.test(number)) return number; // `ausearch -i`: syscall=execve
  return BY_ARCH[arch]?.[number];
}

export const syscallClass = (name: string | undefined): SyscallClass | undefined => (name === undefined ? undefined : CLASS[name]);

const O_ACCMODE = 3;
const O_CREAT = 0x40;
const O_TRUNC = 0x200;

/**
 * Does this open write? `open(path, flags)` has flags in a1, `openat(dirfd,
 * path, flags)` in a2 (hex in the SYSCALL record). openat2 passes a pointer,
 * so its intent is unknown: undefined.
 */
export function opensForWrite(name: string, a1: string | undefined, a2: string | undefined): boolean | undefined {
  const hex = name === "open" ? a1 : name === "openat" ? a2 : undefined;
  // `ausearch -i` names the flags: O_WRONLY|O_CREAT|O_TRUNC.
  if (hex !== undefined && /^O_[A-Z|_]+$/.test(hex)) return /O_(?:WRONLY|RDWR|CREAT|TRUNC)\b/.test(hex);
  if (hex === undefined || !/^[0-9a-f]{1,16}$/i.test(hex)) return undefined;
  const flags = Number.parseInt(hex.slice(-8), 16);
  return (flags & O_ACCMODE) !== 0 || (flags & (O_CREAT | O_TRUNC)) !== 0;
}

/** AT_FDCWD (-100) as audit prints it: 32- or 64-bit two's complement hex. */
export const isAtFdcwd = (hex: string | undefined): boolean => hex === "ffffff9c" || hex === "ffffffffffffff9c" || hex === "AT_FDCWD";

import type { AuditRecord } from "./record";
import { text } from "./record";

/** An execve can carry 128 kB of arguments; beyond this many we stop (the command is cut at LIMITS.command anyway). */
const MAX_ARGS = 4096;

/**
 * The argv of an EXECVE event. Arguments are `aN="text"` or hex `aN=2F6574…`;
 * an argument longer than the audit record limit is split as `aN_len=… aN[0]=… aN[1]=…`,
 * and a long argv spans several EXECVE records of the same event.
 */
export function execArgs(records: readonly AuditRecord[]): string[] | undefined {
  const execve = records.filter((r) => r.type === "EXECVE");
  if (execve.length === 0) return undefined;
  const find = (key: string): AuditRecord | undefined => execve.find((r) => r.fields.has(key));
  const argcText = execve[0]?.fields.get("argc")?.value;
  const argc = Math.min(argcText !== undefined && /^\d{1,7}$/.test(argcText) ? Number(argcText) : 0, MAX_ARGS);
  const args: string[] = [];
  for (let i = 0; i < argc; i += 1) {
    const whole = find(`a${i}`);
    if (whole) {
      args.push(text(whole, `a${i}`) ?? "");
      continue;
    }
    let hex = "";
    for (let k = 0; k < MAX_ARGS; k += 1) {
      const part = find(`a${i}[${k}]`)?.fields.get(`a${i}[${k}]`);
      if (!part) break;
      hex += part.quoted ? Buffer.from(part.value, "utf8").toString("hex") : part.value;
    }
    args.push(/^(?:[0-9A-Fa-f]{2})*$/.test(hex) ? Buffer.from(hex, "hex").toString("utf8") : hex);
  }
  return args;
}

/** `proctitle=` is the argv NUL-separated, hex encoded (or quoted when it is one plain word). */
export function proctitle(records: readonly AuditRecord[]): string | undefined {
  const value = text(records.find((r) => r.type === "PROCTITLE"), "proctitle");
  return value?.replaceAll("\u0000", " ").trim();
}

const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Shell-style rendering: arguments with spaces or specials in single quotes, so the command reads as typed. */
export function renderArgs(args: readonly string[]): string {
  return args.map((a) => (a !== "" && PLAIN.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`)).join(" ");
}

import type { PackageOp } from "../../../schemas";
import { boundCommand, redact } from "../../redact";
import { localDateTimeToMs } from "../auth/time";
import { ParserStats, stripCr } from "../types";

/**
 * /var/log/apt/history.log stanzas, separated by blank lines:
 *   Start-Date: 2026-11-22  08:01:00
 *   Commandline: apt-get install -y nginx
 *   Requested-By: alice (1000)
 *   Install: nginx:amd64 (1.24.0-2), nginx-common:amd64 (1.24.0-2, automatic)
 *   Upgrade: openssl:amd64 (3.0.13-1, 3.0.15-1)
 *   End-Date: 2026-11-22  08:01:05
 * apt writes Requested-By only when run through sudo (from SUDO_UID); a
 * stanza without it was run by root directly or by automation
 * (unattended-upgrade), and names no person.
 */
export interface AptPackageOp {
  package: string;
  arch: string | undefined;
  op: PackageOp;
  versions: string[];
}

export interface AptTransaction {
  startMs: number;
  endMs: number | undefined;
  commandline: string | undefined;
  requestedBy: { user: string; uid: number | undefined } | undefined;
  ops: AptPackageOp[];
}

const LIST_OPS: Record<string, AptPackageOp["op"]> = { Install: "install", Upgrade: "upgrade", Downgrade: "downgrade", Remove: "remove", Purge: "purge", Reinstall: "reinstall" };
const KEY = /^([A-Za-z-]{1,32}): ?(.*)$/s;
// `name:arch (v1, v2)` items; the list is split on "), " so versions with commas cannot occur (Debian versions have none).
const ITEM = /^\s*([^\s:(]{1,256})(?::([^\s(]{1,32}))? \(([^)]{0,256})\)?\s*$/;
const REQUESTED = /^(\S{1,256}) \((\d{1,10})\)$/;

/** Reads stanzas line by line; yields a transaction at End-Date (or at the next Start-Date / flush when End-Date is missing, e.g. apt was killed). */
export class AptHistoryParser {
  readonly stats = new ParserStats();
  private current: AptTransaction | undefined;

  constructor(private readonly timeZone: string | undefined = undefined) {}

  push(input: string): AptTransaction[] {
    this.stats.lines += 1;
    const line = stripCr(input);
    if (line.trim() === "") return [];
    const m = KEY.exec(line);
    if (!m) {
      this.stats.unparsedLine(line, "not a `Key: value` history line");
      return [];
    }
    const [, key, value = ""] = m;
    if (key === "Start-Date") {
      const startMs = localDateTimeToMs(value.trim(), this.timeZone);
      const done = this.close();
      if (startMs === undefined) this.stats.unparsedLine(line, "bad Start-Date");
      else this.current = { startMs, endMs: undefined, commandline: undefined, requestedBy: undefined, ops: [] };
      return done;
    }
    const tx = this.current;
    if (!tx) {
      this.stats.unparsedLine(line, `${key} outside a stanza`);
      return [];
    }
    if (key === "End-Date") {
      tx.endMs = localDateTimeToMs(value.trim(), this.timeZone);
      return this.close();
    }
    if (key === "Commandline") tx.commandline = boundCommand(redact(value));
    else if (key === "Requested-By") {
      const r = REQUESTED.exec(value.trim());
      tx.requestedBy = r ? { user: r[1] ?? "", uid: Number(r[2]) } : { user: value.trim().slice(0, 256), uid: undefined };
    } else if (key !== undefined && LIST_OPS[key]) tx.ops.push(...parseList(LIST_OPS[key], value, this.stats, line));
    else this.stats.ignored += 1; // Error:, Remove-Reason…
    return [];
  }

  flush(): AptTransaction[] {
    return this.close();
  }

  private close(): AptTransaction[] {
    const tx = this.current;
    this.current = undefined;
    if (!tx) return [];
    this.stats.events += 1;
    return [tx];
  }
}

function parseList(op: AptPackageOp["op"], value: string, stats: ParserStats, line: string): AptPackageOp[] {
  const out: AptPackageOp[] = [];
  for (const item of value.split("), ")) {
    if (item.trim() === "") continue;
    const m = ITEM.exec(item);
    if (!m) {
      stats.unparsedLine(line, `bad package item ${item.slice(0, 80)}`);
      continue;
    }
    const versions = (m[3] ?? "").split(", ").filter((v) => v !== "automatic" && v !== "");
    out.push({ package: m[1] ?? "", arch: m[2], op, versions });
  }
  return out;
}

import type { AuditRecord } from "./record";

/**
 * Records of one syscall event share `msg=audit(ts:serial)` and end with an
 * EOE record; records of different events may interleave (one per CPU).
 * Groups wait for their EOE, bounded three ways so a lost EOE cannot pin
 * memory: at most MAX_OPEN open groups, MAX_RECORDS records per group, and a
 * group whose time is STALE_MS behind the newest record is closed (auditd
 * writes one event's records within milliseconds).
 */
const MAX_OPEN = 256;
const MAX_RECORDS = 2000;
const STALE_MS = 5000;

/** Record types that belong to a syscall event and wait for EOE; every other type is a single-record event. */
const SYSCALL_FAMILY = new Set([
  "SYSCALL", "EXECVE", "PATH", "CWD", "PROCTITLE", "SOCKADDR", "FD_PAIR", "MMAP", "BPRM_FCAPS", "CAPSET", "IPC", "OBJ_PID",
  "MQ_OPEN", "MQ_SENDRECV", "KERN_MODULE", "OPENAT2", "NETFILTER_CFG", "TIME_INJOFFSET", "URINGOP",
]);

export type GroupOutput = { kind: "event"; records: AuditRecord[] } | { kind: "dropped-record" };

export class RecordGrouper {
  private readonly open = new Map<string, AuditRecord[]>();
  private newestMs = 0;

  /** Returns completed events (possibly none). */
  add(record: AuditRecord): GroupOutput[] {
    const out: GroupOutput[] = [];
    this.newestMs = Math.max(this.newestMs, record.timeMs);
    if (record.type === "EOE") {
      const records = this.open.get(record.id);
      this.open.delete(record.id);
      if (records) out.push({ kind: "event", records });
    } else if (!SYSCALL_FAMILY.has(record.type) && !this.open.has(record.id)) {
      out.push({ kind: "event", records: [record] });
    } else {
      const records = this.open.get(record.id);
      if (!records) this.open.set(record.id, [record]);
      else if (records.length < MAX_RECORDS) records.push(record);
      else out.push({ kind: "dropped-record" });
    }
    out.push(...this.expire());
    return out;
  }

  flush(): GroupOutput[] {
    const out: GroupOutput[] = [...this.open.values()].map((records) => ({ kind: "event" as const, records }));
    this.open.clear();
    return out;
  }

  private expire(): GroupOutput[] {
    const out: GroupOutput[] = [];
    for (const [id, records] of this.open) {
      const first = records[0];
      const stale = first !== undefined && first.timeMs < this.newestMs - STALE_MS;
      if (!stale && this.open.size <= MAX_OPEN) break;
      this.open.delete(id);
      out.push({ kind: "event", records });
    }
    return out;
  }
}

import { isIP } from "node:net";
import { deriveEventId, type AuditEvent } from "../../../schemas";
import { boundCommand, redact } from "../../redact";
import { buildEvent, type EventBody, type ParserStats, type SourceContext } from "../types";
import { toIso } from "../auth/time";
import { execArgs, proctitle, renderArgs } from "./command";
import { fileChanges } from "./files";
import { channelFromTty, userName, whoFromAuid, type UidResolver } from "./identity";
import { enriched, rawValue, text, type AuditRecord } from "./record";
import { rawLines } from "./raw";
import { syscallClass, syscallName } from "./syscalls";

export interface AuditdOptions {
  resolveUid?: UidResolver;
  /**
   * Also emit USER_LOGIN (access.login/login_failed) and USER_CMD
   * (access.privilege). Off by default: the auth source reports the same
   * logins and sudo commands, and one action must not become two events.
   */
  userRecords?: boolean;
}

export interface Built {
  events: AuditEvent[];
  ignored: boolean;
  unresolvedPaths: number;
}

/** One complete auditd event (all its records) → access.exec / change.file events. */
export function buildFromGroup(ctx: SourceContext, stats: ParserStats, options: AuditdOptions, records: readonly AuditRecord[]): Built {
  const head = records.find((r) => r.type === "SYSCALL") ?? records[0];
  if (!head) return { events: [], ignored: true, unresolvedPaths: 0 };
  const emit = (draft: EventBody, item: number): AuditEvent | undefined =>
    buildEvent(ctx, stats, { ...draft, event_id: deriveEventId(ctx.collectorId, "auditd", ctx.host, head.id, item), occurred_at: toIso(head.timeMs) }, rawLines(records));
  const done = (events: Array<AuditEvent | undefined>, unresolvedPaths = 0): Built => {
    const ok = events.filter((e): e is AuditEvent => e !== undefined);
    return { events: ok, ignored: ok.length === 0, unresolvedPaths };
  };
  if (head.type !== "SYSCALL") return done(userRecord(head, { ...options, resolveUid: options.resolveUid ?? ctx.resolveUid?.bind(ctx) }, emit));

  const name = syscallName(rawValue(head, "arch"), rawValue(head, "syscall"), enriched(head, "SYSCALL"));
  const cls = syscallClass(name);
  const resolveUid = options.resolveUid ?? ctx.resolveUid?.bind(ctx);
  const who = whoFromAuid(head, resolveUid);
  const success = rawValue(head, "success") !== "no";
  const exe = text(head, "exe");
  const key = text(head, "key");
  const base = {
    ...who,
    channel: channelFromTty(rawValue(head, "tty")),
    labels: { source: "auditd", ...numericIds(head), ...(key ? { audit_key: key } : {}), ...(exe ? { exe } : {}), ...(name ? { syscall: name } : {}) },
  };
  const args = execArgs(records);
  if (cls === "exec" || args !== undefined) {
    const command = args && args.length > 0 ? renderArgs(args) : (proctitle(records) ?? exe);
    const cwd = text(records.find((r) => r.type === "CWD"), "cwd");
    return done([
      emit({
        type: "access.exec",
        ...base,
        labels: { ...base.labels, ...(cwd ? { cwd } : {}) },
        outcome: success ? "success" : "failure",
        reason: success ? undefined : `exit ${rawValue(head, "exit") ?? "?"}`,
        command: command === undefined ? undefined : boundCommand(redact(command)),
        resource: exe,
      }, 0),
    ]);
  }
  // A failed write changed nothing; it is not a change.file.
  if (cls === undefined || name === undefined || !success) return done([]);
  const { changes, unresolved } = fileChanges(name, cls, head, records);
  const command = proctitle(records);
  return done(
    changes.map((c) =>
      emit({
        type: "change.file",
        ...base,
        // who-data: no content hashes here; the files source hashes, the drift engine joins on host+path+time.
        labels: { ...base.labels, who_data: "true" },
        outcome: "success",
        path: c.path,
        op: c.op,
        old_path: c.oldPath,
        mode: c.mode,
        owner: userName(c.ownerRecord, "ouid", "OUID", resolveUid),
        command: command === undefined ? undefined : boundCommand(redact(command)),
      }, c.item + 1),
    ),
    unresolved,
  );
}

/** The numeric ids as logged, beside the names they resolved to: a uid reused for another user later stays traceable. */
function numericIds(r: AuditRecord): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of ["auid", "euid"]) {
    const v = rawValue(r, key);
    if (v !== undefined && /^\d{1,10}$/.test(v) && v !== "4294967295") out[key] = v;
  }
  return out;
}

/** User-space records read with `user_records`; USER_ACCT, USER_START/END, CRED_* are the same login's steps. */
const USER_RECORDS = new Set(["USER_LOGIN", "USER_CMD", "USER_AUTH"]);

/** USER_LOGIN, USER_AUTH and USER_CMD (single-record events written by sshd, login, su and sudo through libaudit). */
function userRecord(r: AuditRecord, options: AuditdOptions, emit: (d: EventBody, item: number) => AuditEvent | undefined): Array<AuditEvent | undefined> {
  if (!options.userRecords || !USER_RECORDS.has(r.type)) return [];
  const who = whoFromAuid(r, options.resolveUid);
  const ok = rawValue(r, "res") === "success";
  // USER_AUTH: only a failure is news (success is followed by USER_LOGIN or, for su/sudo, USER_CMD/USER_START).
  if (r.type === "USER_AUTH" && ok) return [];
  if (r.type === "USER_AUTH" && /\/(?:su|sudo)$/.test(text(r, "exe") ?? "")) {
    const exe = text(r, "exe") ?? "";
    return [emit({ type: "access.privilege", ...who, effective_user: enriched(r, "ID") ?? text(r, "acct"), channel: exe.endsWith("/sudo") ? "sudo" : "su", outcome: "failure", reason: "authentication failure", labels: { source: "auditd", record: r.type } }, 0)];
  }
  const addr = rawValue(r, "addr");
  const sourceIp = addr !== undefined && isIP(addr) !== 0 ? addr : undefined;
  if (r.type === "USER_CMD") {
    const cmd = text(r, "cmd");
    return [emit({ type: "access.privilege", ...who, effective_user: undefined, channel: "sudo", outcome: ok ? "success" : "failure", command: cmd === undefined ? undefined : boundCommand(redact(cmd)), labels: { source: "auditd" } }, 0)];
  }
  const exe = text(r, "exe") ?? "";
  const account = enriched(r, "ID") ?? text(r, "acct") ?? who.actor_id;
  const channel = exe.endsWith("/sshd") || exe.endsWith("/sshd-session") ? "ssh" : "console";
  // A failed USER_LOGIN has no auid yet: the account tried is claimed, not proven (0.5).
  const actor = ok ? who : { ...who, actor_id: account, actor_kind: "unknown" as const, attribution_method: "auid" as const, attribution_confidence: 0.5 };
  const ipOk = sourceIp !== undefined;
  return [emit({ type: ok ? "access.login" : "access.login_failed", ...actor, channel, outcome: ok ? "success" : "failure", ...(ipOk ? { source_ip: sourceIp } : {}), labels: { source: "auditd" } }, 0)];
}

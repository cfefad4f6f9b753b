import { describe, expect, it } from "vitest";
import type { AuditEvent } from "../../../schemas";
import { runFixture, testContext } from "../testdata/load";
import { AuditdParser } from "./parser";

const USERS: Record<number, string> = { 1001: "bob" };
const resolveUid = (uid: number): string | undefined => USERS[uid];

describe("auditd parser: audit.log fixture", () => {
  const parser = new AuditdParser(testContext(), { resolveUid });
  const events = runFixture(parser, "audit.log");
  const execs = events.filter((e) => e.type === "access.exec");
  const files = events.filter((e): e is Extract<AuditEvent, { type: "change.file" }> => e.type === "change.file");

  it("attributes a sudo'd exec to the login user (auid), with root as effective user", () => {
    expect(execs[0]).toMatchObject({
      occurred_at: "2026-11-22T08:02:10.120Z",
      actor_id: "alice",
      actor_kind: "human",
      effective_user: "root",
      attribution_method: "auid",
      attribution_confidence: 1,
      channel: "ssh",
      session_id: "auditd-ses-42",
      command: "vim /etc/nginx/nginx.conf",
      resource: "/usr/bin/vim.basic",
      labels: { source: "auditd", audit_key: "exec", exe: "/usr/bin/vim.basic", syscall: "execve", cwd: "/home/alice" },
    });
  });

  it("groups interleaved records by serial and decodes hex arguments, redacting the password in command and raw", () => {
    const mysql = execs.find((e) => e.resource === "/usr/bin/mysql");
    expect(mysql).toMatchObject({ actor_id: "bob", effective_user: "bob", command: "mysql -uroot '--password=[REDACTED]' prod" });
    expect(mysql?.raw).not.toContain("hunter");
    expect(mysql?.raw).not.toContain(Buffer.from("hunter 2").toString("hex").toUpperCase());
  });

  it("turns an openat for write into change.file who-data, resolving the relative name against CWD", () => {
    expect(files[0]).toMatchObject({
      op: "modify",
      path: "/etc/nginx/nginx.conf",
      actor_id: "alice",
      effective_user: "root",
      mode: "0644",
      owner: "root",
      command: "vim /etc/nginx/nginx.conf",
      labels: { who_data: "true", audit_key: "nginx", syscall: "openat" },
    });
    expect(files[0]?.after_hash).toBeUndefined();
  });

  it("turns a renameat2 into one rename with the old path", () => {
    expect(files[1]).toMatchObject({ op: "rename", path: "/etc/nginx/nginx.conf", old_path: "/etc/nginx/nginx.conf.new", mode: "0600" });
  });

  it("leaves the actor unknown (attribution none) when auid is unset, never root", () => {
    expect(files[2]).toMatchObject({
      op: "delete",
      path: "/etc/cron.d/old job",
      actor_id: "unknown",
      actor_kind: "unknown",
      attribution_method: "none",
      attribution_confidence: 0,
      effective_user: "root",
    });
    expect(files[2]?.session_id).toBeUndefined();
  });

  it("ignores read-only opens and failed writes, and reads fchmodat behind a node= prefix", () => {
    expect(files.map((f) => [f.op, f.path])).toEqual([
      ["modify", "/etc/nginx/nginx.conf"],
      ["rename", "/etc/nginx/nginx.conf"],
      ["delete", "/etc/cron.d/old job"],
      ["chmod", "/etc/ssl/private/web.key"],
    ]);
    // RAW log format and no resolver entry for 1000: the uid, never a guessed name.
    expect(files[3]).toMatchObject({ mode: "0600", actor_id: "uid:1000", effective_user: "root" });
  });

  it("joins an argument split into a2[0], a2[1] and maps aarch64 syscall numbers", () => {
    expect(execs.find((e) => e.resource === "/usr/bin/bash")).toMatchObject({ command: "bash -c 'echo hello && uptime'", actor_id: "uid:1002", labels: { syscall: "execve" } });
  });

  it("emits an event whose EOE never came at flush, from its proctitle", () => {
    expect(execs.at(-1)).toMatchObject({ command: "sh -c /opt/missing", outcome: "failure", reason: "exit -2" });
  });

  it("emits nothing for USER_* records by default (the auth source reports them)", () => {
    expect(events.filter((e) => e.type !== "access.exec" && e.type !== "change.file")).toEqual([]);
    expect(execs).toHaveLength(4);
  });

  it("counts malformed lines and keeps ids stable across re-reads", () => {
    expect(parser.stats.unparsed).toBe(2);
    expect(parser.stats.invalid).toBe(0);
    const again = runFixture(new AuditdParser(testContext(), { resolveUid }), "audit.log");
    expect(again.map((e) => e.event_id)).toEqual(events.map((e) => e.event_id));
    expect(new Set(events.map((e) => e.event_id)).size).toBe(events.length);
  });
});

describe("auditd parser: user records when enabled", () => {
  const events = runFixture(new AuditdParser(testContext(), { userRecords: true }), "audit.log");

  it("reads USER_LOGIN success and failure and USER_CMD with its hex command", () => {
    const user = events.filter((e) => e.labels.syscall === undefined);
    expect(user.map((e) => [e.type, e.actor_id, e.outcome])).toEqual([
      ["access.login", "alice", "success"],
      ["access.privilege", "alice", "success"],
      ["access.login_failed", "admin", "failure"],
    ]);
    expect(user[0]).toMatchObject({ source_ip: "203.0.113.9", channel: "ssh", session_id: "auditd-ses-42" });
    expect(user[1]).toMatchObject({ command: "vim /etc/nginx/nginx.conf", channel: "sudo" });
  });
});

describe("auditd parser: grouping bounds", () => {
  it("closes a group whose EOE was lost once records 5 s newer arrive", () => {
    const parser = new AuditdParser(testContext());
    const pos = { file: "audit.log", offset: 0 };
    const first = parser.push('type=SYSCALL msg=audit(1795334000.000:1): arch=c000003e syscall=59 success=yes exit=0 auid=1000 euid=0 ses=1 tty=pts0 exe="/usr/bin/id"', pos);
    expect(first).toEqual([]);
    const later = parser.push('type=SYSCALL msg=audit(1795334010.000:2): arch=c000003e syscall=59 success=yes exit=0 auid=1000 euid=0 ses=1 tty=pts0 exe="/usr/bin/w"', pos);
    expect(later.map((e) => e.resource)).toEqual(["/usr/bin/id"]);
    expect(parser.flush().map((e) => e.resource)).toEqual(["/usr/bin/w"]);
  });
});

import { describe, expect, it } from "vitest";
import { runFixture, testContext } from "../testdata/load";
import { AuditdParser } from "./parser";

const USERS: Record<number, string> = { 700: "opsbot", 1000: "andrew" };
const ctx = () => testContext({ resolveUid: (uid) => USERS[uid] });

describe("auditd: user-space records behind user_records", () => {
  const parser = new AuditdParser(ctx(), { userRecords: true });
  const events = runFixture(parser, "real/auditd-user-records.log");

  it("reads USER_CMD (beats), a failed sshd USER_AUTH and an interpreted SYSCALL (names instead of uids)", () => {
    expect(events.map((e) => [e.type, e.actor_id, e.outcome])).toEqual([
      ["access.privilege", "opsbot", "success"],
      ["access.login_failed", "ftpuser", "failure"],
      ["access.exec", "vagrant", "success"],
    ]);
    expect(events[1]).toMatchObject({ channel: "ssh", source_ip: "161.35.95.3", actor_kind: "unknown", attribution_confidence: 0.5 });
    expect(events[2]).toMatchObject({ effective_user: "vagrant", resource: "/usr/bin/top", labels: { syscall: "execve" } });
  });

  it("counts a successful su authentication as noise (USER_START/the auth log report the switch)", () => {
    expect(parser.stats.unparsed).toBe(0);
    expect(parser.stats.ignored).toBeGreaterThanOrEqual(1);
  });

  it("keeps user-space records out by default", () => {
    const quiet = runFixture(new AuditdParser(ctx()), "real/auditd-user-records.log");
    expect(quiet.map((e) => e.type)).toEqual(["access.exec"]);
  });
});

describe("auditd: `ausearch -i` interpreted output", () => {
  const parser = new AuditdParser(testContext());
  const events = runFixture(parser, "real/ausearch-i.log");

  it("reads local MM/DD/YY and MM/DD/YYYY headers, ` : ` separators, names and symbolic values", () => {
    expect(events.map((e) => [e.type, e.actor_id, e.occurred_at])).toEqual([
      ["access.exec", "itsupport", "2025-09-11T18:30:48.574Z"],
      ["change.file", "vagrant", "2020-10-06T06:42:37.318Z"],
    ]);
    expect(events[0]).toMatchObject({ command: "wget 'https://[...expurgé...]/downloads/beats/elastic-agent/elastic-agent-9.1.3-linux-x86_64.tar.gz'", labels: { cwd: "/home/itsupport", syscall: "execve" } });
    expect(events[1]).toMatchObject({ op: "chmod", path: "/etc/nginx/.nginx.conf.swp", mode: "0600", owner: "root", effective_user: "root" });
    expect(parser.stats.unparsed).toBe(0);
  });
});

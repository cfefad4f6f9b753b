import { describe, expect, it } from "vitest";
import type { AuditEvent } from "../../../schemas";
import { loadFixture, restoreTzAfterEach, runFixture, testContext } from "../testdata/load";
import { AuthParser } from "./parser";

/**
 * Real public logs (testdata/real/SOURCE names each one): times, people and
 * formats as fleets write them, not as we would like them written.
 */
const ofType = (events: AuditEvent[], type: string) => events.filter((e) => e.type === type);
/** loghub's Linux_2k.log ends on Jul 27 2005 (its ftpd lines print the year): the file's mtime. */
const LOGHUB_MTIME = new Date("2005-07-27T14:42:00Z");

describe("auth parser: a RHEL-era /var/log/messages (loghub Linux_2k)", () => {
  const parser = new AuthParser(testContext({ fileTime: () => LOGHUB_MTIME }));
  const events = runFixture(parser, "real/loghub-linux-2k.log");

  it("infers the year from the file's modification time, not today's clock, and says so", () => {
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.occurred_at.startsWith("2005-"))).toBe(true);
    expect(events[0]).toMatchObject({ occurred_at: "2005-06-14T15:16:01.000Z", labels: { time_inferred: "year" } });
  });

  it("reads the legacy `sshd(pam_unix)[pid]:` tag: failures with the remote host, sessions with their user", () => {
    const failed = ofType(events, "access.login_failed");
    expect(failed).toHaveLength(490);
    expect(failed[0]).toMatchObject({ actor_id: "unknown", channel: "ssh", source_ip: "218.188.2.4", outcome: "failure" });
    expect(failed.find((e) => e.actor_id === "guest")).toMatchObject({ source_ip: "211.46.224.253", attribution_confidence: 0.5 });
    const logins = ofType(events, "access.login").filter((e) => e.channel === "ssh");
    expect(logins).toHaveLength(36);
    const firstLogout = ofType(events, "access.logout").find((e) => e.session_id === logins[0]?.session_id);
    expect(logins[0]).toMatchObject({ actor_id: "test", occurred_at: "2005-06-17T20:29:26.000Z" });
    expect(firstLogout).toMatchObject({ actor_id: "test", duration_s: 331 });
  });

  it("reads the console login of `login(pam_unix)` once, though `ROOT LOGIN ON tty2` repeats it under login's `-- root[pid]` ident", () => {
    const consoleLogin = ofType(events, "access.login").filter((e) => e.channel === "console");
    expect(consoleLogin).toMatchObject([{ actor_id: "root", effective_user: "root", labels: { service: "login" }, occurred_at: "2005-07-07T08:06:15.000Z" }]);
    const consoleLogout = ofType(events, "access.logout").filter((e) => e.channel === "console");
    expect(consoleLogout).toMatchObject([{ actor_id: "root", session_id: consoleLogin[0]?.session_id, duration_s: 175 }]);
  });

  it("leaves unparsed only syslogd's own untagged restart marks", () => {
    expect(parser.stats.invalid).toBe(0);
    expect(parser.stats.unparsed).toBe(7);
    expect(parser.stats.samples.every((s) => / combo syslogd 1\.4\.1: restart\.$/.test(s.line))).toBe(true);
  });
});

describe("auth parser: console login(1) without PAM session lines", () => {
  it("reads ROOT LOGIN and FAILED LOGIN lines of util-linux login (constructed after login.c's messages)", () => {
    const parser = new AuthParser(testContext());
    const ok = parser.push("Nov 22 09:00:00 web-01 login[812]: ROOT LOGIN  ON tty1", { file: "f", offset: 0 });
    const bad = parser.push("Nov 22 09:01:00 web-01 login[813]: FAILED LOGIN 1 FROM (null) FOR root, Authentication failure", { file: "f", offset: 40 });
    expect(ok).toMatchObject([{ type: "access.login", actor_id: "root", channel: "console", labels: { tty: "tty1" } }]);
    expect(bad).toMatchObject([{ type: "access.login_failed", actor_id: "root", channel: "console", reason: "Authentication failure" }]);
  });
});

describe("auth parser: year roll-over while tailing", () => {
  it("moves to the next year when the month goes back from December to January", () => {
    const parser = new AuthParser(testContext({ fileTime: () => new Date("2026-12-31T23:00:00Z") }));
    const at = (line: string, offset: number) => parser.push(line, { file: "auth.log", offset })[0]?.occurred_at;
    expect(at("Dec 31 23:59:58 web-01 sshd[1]: Accepted password for alice from 10.0.0.1 port 1 ssh2", 0)).toBe("2026-12-31T23:59:58.000Z");
    expect(at("Jan  1 00:00:03 web-01 sshd[2]: Accepted password for bob from 10.0.0.2 port 1 ssh2", 100)).toBe("2027-01-01T00:00:03.000Z");
  });

  it("dates an old file by its mtime even when today's month is later in the year", () => {
    // Read on 2027-12-25: "Dec 20" must be 2026 (the file was last written in January 2027), not 2027.
    const parser = new AuthParser(testContext({ now: () => new Date("2027-12-25T00:00:00Z"), fileTime: () => new Date("2027-01-05T00:00:00Z") }));
    const a = parser.push("Dec 20 10:00:00 web-01 sshd[1]: Accepted password for alice from 10.0.0.1 port 1 ssh2", { file: "auth.log.1", offset: 0 });
    const b = parser.push("Jan  3 10:00:00 web-01 sshd[2]: Accepted password for alice from 10.0.0.1 port 1 ssh2", { file: "auth.log.1", offset: 90 });
    expect([a[0]?.occurred_at, b[0]?.occurred_at]).toEqual(["2026-12-20T10:00:00.000Z", "2027-01-03T10:00:00.000Z"]);
  });
});

describe("auth parser: time zone", () => {
  restoreTzAfterEach();

  it("reads zone-less times in the host's zone (TZ) when no zone is configured", () => {
    process.env.TZ = "America/New_York";
    const { timeZone: _utc, ...ctx } = testContext();
    const [e] = new AuthParser(ctx).push("Nov 22 08:01:02 web-01 sshd[1]: Accepted password for alice from 10.0.0.1 port 1 ssh2", { file: "f", offset: 0 });
    expect(e?.occurred_at).toBe("2026-11-22T13:01:02.000Z");
  });
});

describe("auth parser: Elastic Beats test logs", () => {
  it("records a sudo refusal but not sudo's `problem with defaults entries` warning", () => {
    const parser = new AuthParser(testContext());
    const events = runFixture(parser, "real/beats-auth-test.log");
    expect(ofType(events, "access.privilege").map((e) => [e.actor_id, e.outcome, e.effective_user])).toEqual([
      ["vagrant", "success", "root"],
      ["vagrant", "success", "root"],
      ["tsg", "failure", "root"],
    ]);
    const warning = "Apr 29 19:54:30 ip-172-16-40-100 sudo:   ubuntu : problem with defaults entries ; TTY=pts/0 ; PWD=/home/ubuntu ; USER=root ;";
    expect(parser.push(warning, { file: "f", offset: 0 })).toEqual([]);
  });

  it("reads ISO timestamps without an offset in the configured zone, and with one as written", () => {
    const parser = new AuthParser(testContext({ timeZone: "Europe/Berlin" }));
    runFixture(parser, "real/beats-auth-timestamp.log");
    expect(parser.stats.unparsed).toBe(0);
    const [e] = parser.push("2019-06-14T10:40:20.912134 localhost sshd[7]: Accepted password for alice from 10.0.0.1 port 1 ssh2", { file: "f", offset: 0 });
    expect(e?.occurred_at).toBe("2019-06-14T08:40:20.912Z");
  });
});

describe("auth parser: what real files carry besides the message", () => {
  it("keeps the login's source IP on the logout", () => {
    const events = runFixture(new AuthParser(testContext()), "auth.log");
    const logout = ofType(events, "access.logout").find((e) => e.actor_id === "alice");
    expect(logout?.source_ip).toBe("203.0.113.9");
  });

  it("drops the \\r of CRLF files from raw and from the command", () => {
    const parser = new AuthParser(testContext());
    const lines = loadFixture("real/beats-auth-test.log").lines;
    const events = lines.flatMap((l) => parser.push(`${l.text}\r`, { file: "crlf", offset: l.offset }));
    expect(events.length).toBeGreaterThan(0);
    expect(events.filter((e) => (e.raw ?? "").includes("\r") || (e.type === "access.privilege" && (e.command ?? "").includes("\r")))).toEqual([]);
  });

  it("keeps NUL and other control bytes out of the unparsed samples", () => {
    const parser = new AuthParser(testContext());
    parser.push("garbage\u0000\u0000with\u0007bytes", { file: "f", offset: 0 });
    expect(parser.stats.samples[0]?.line).toBe("garbage\\x00\\x00with\\x07bytes");
  });
});

import { describe, expect, it } from "vitest";
import type { AuditEvent } from "../../../schemas";
import { loadFixture, runFixture, testContext } from "../testdata/load";
import { AuthParser } from "./parser";

const byType = (events: AuditEvent[], type: string) => events.filter((e) => e.type === type);

describe("auth parser: Debian auth.log (classic timestamps)", () => {
  const parser = new AuthParser(testContext());
  const events = runFixture(parser, "auth.log");

  it("turns an sshd publickey login into access.login attributed by the auth log", () => {
    const login = events.find((e) => e.type === "access.login" && e.actor_id === "alice");
    expect(login).toMatchObject({
      occurred_at: "2026-11-22T08:01:02.000Z",
      actor_kind: "human",
      attribution_method: "auth-log",
      attribution_confidence: 1,
      channel: "ssh",
      source_ip: "203.0.113.9",
      session_id: "sshd-1234-1795334462",
      labels: { method: "publickey", key: "RSA SHA256:3q9Zl0x1ExampleFingerprintAbCdEfGhIjKlMnOpQrStU" },
      host: "web-01",
      env: "prod",
      collector_id: "col-test",
    });
    expect(login?.raw).toContain("Accepted publickey for alice");
  });

  it("pairs the logout with the login's session and measures its duration, once", () => {
    const logouts = byType(events, "access.logout").filter((e) => e.actor_id === "alice");
    expect(logouts).toHaveLength(1);
    expect(logouts[0]).toMatchObject({ session_id: "sshd-1234-1795334462", duration_s: 1800, occurred_at: "2026-11-22T08:31:02.000Z" });
  });

  it("pairs a session of the OpenSSH 9.8 sshd-session program", () => {
    const dave = events.filter((e) => e.actor_id === "dave");
    expect(dave.map((e) => e.type)).toEqual(["access.login", "access.logout"]);
    expect(dave[0]?.source_ip).toBe("2001:db8::7");
    expect(dave[1]).toMatchObject({ session_id: dave[0]?.session_id, duration_s: 1325 });
  });

  it("keeps the invoking user as actor of a sudo to root, root as effective user", () => {
    const sudo = byType(events, "access.privilege").filter((e) => e.channel === "sudo");
    expect(sudo[0]).toMatchObject({
      actor_id: "alice",
      effective_user: "root",
      outcome: "success",
      command: "/usr/bin/vim /etc/nginx/nginx.conf",
      labels: { tty: "pts/0", cwd: "/home/alice" },
    });
    expect(sudo[1]).toMatchObject({ actor_id: "alice", effective_user: "postgres", outcome: "failure", reason: "3 incorrect password attempts" });
  });

  it("keeps ' ; ' inside COMMAND and redacts the password in it and in raw", () => {
    const sudo = byType(events, "access.privilege").find((e) => e.labels.cwd === "/srv");
    expect(sudo?.command).toBe("/bin/sh -c echo a ; mysql -uroot -p[REDACTED] db");
    expect(sudo?.raw).not.toContain("S3cretPass");
    expect(sudo?.raw).toContain("-p[REDACTED]");
  });

  it("counts 'message repeated 3 times' as three events with distinct ids", () => {
    const bob = events.filter((e) => e.actor_id === "bob");
    expect(bob).toHaveLength(4);
    expect(new Set(bob.map((e) => e.event_id)).size).toBe(4);
    expect(bob.every((e) => e.type === "access.login_failed" && e.attribution_confidence === 0.5)).toBe(true);
  });

  it("reports an invalid user once per attempt, and once for a connection that never tried", () => {
    const admin = events.filter((e) => e.actor_id === "admin");
    expect(admin).toHaveLength(1);
    expect(admin[0]).toMatchObject({ actor_kind: "unknown", reason: "failed password; invalid user" });
    const oracle = events.filter((e) => e.actor_id === "oracle");
    expect(oracle).toHaveLength(1);
    expect(oracle[0]).toMatchObject({ type: "access.login_failed", reason: "invalid user", source_ip: "192.0.2.56" });
  });

  it("records su once per process, with the invoking user as actor", () => {
    const su = byType(events, "access.privilege").filter((e) => e.channel === "su");
    expect(su.map((e) => [e.actor_id, e.effective_user, e.outcome])).toEqual([
      ["alice", "root", "success"],
      ["carol", "postgres", "failure"],
    ]);
  });

  it("dates 'Nov  2' (space-padded day) in the current year", () => {
    expect(events.find((e) => e.actor_id === "erin")?.occurred_at).toBe("2026-11-02T08:09:30.000Z");
  });

  it("gives an empty user name an unknown actor with zero confidence", () => {
    const empty = events.find((e) => e.source_ip === "192.0.2.9");
    expect(empty).toMatchObject({ actor_id: "unknown", actor_kind: "unknown", attribution_confidence: 0 });
  });

  it("counts malformed lines as unparsed and noise as ignored, never as events", () => {
    expect(parser.stats.unparsed).toBe(3);
    expect(parser.stats.invalid).toBe(0);
    expect(parser.stats.samples.map((s) => s.reason)).toContain("impossible classic syslog date");
    expect(parser.stats.ignored).toBeGreaterThanOrEqual(5);
    expect(parser.stats.events).toBe(events.length);
  });

  it("gives the same ids when the same file is read again", () => {
    const again = runFixture(new AuthParser(testContext()), "auth.log");
    expect(again.map((e) => e.event_id)).toEqual(events.map((e) => e.event_id));
    expect(new Set(events.map((e) => e.event_id)).size).toBe(events.length);
  });
});

describe("auth parser: timestamps", () => {
  const line = (stamp: string) => `${stamp} web-01 sshd[1]: Accepted password for alice from 10.0.0.1 port 1 ssh2`;
  const parseAt = (now: string, stamp: string, timeZone?: string) =>
    new AuthParser(testContext({ now: () => new Date(now), ...(timeZone ? { timeZone } : {}) })).push(line(stamp), { file: "f", offset: 0 })[0]?.occurred_at;

  it("puts a December line read in January in the previous year", () => {
    expect(parseAt("2027-01-03T00:00:00Z", "Dec 31 23:59:59")).toBe("2026-12-31T23:59:59.000Z");
  });

  it("keeps a line a few hours ahead of the clock (skew) in the current year", () => {
    expect(parseAt("2026-11-22T12:00:00Z", "Nov 22 20:00:00")).toBe("2026-11-22T20:00:00.000Z");
  });

  it("walks Feb 29 back to the last leap year", () => {
    expect(parseAt("2027-03-01T00:00:00Z", "Feb 29 10:00:00")).toBe("2024-02-29T10:00:00.000Z");
  });

  it("reads classic timestamps in the configured zone, across DST", () => {
    expect(parseAt("2026-11-22T12:00:00Z", "Jul  1 10:00:00", "Europe/Berlin")).toBe("2026-07-01T08:00:00.000Z");
    expect(parseAt("2026-11-22T12:00:00Z", "Nov  1 10:00:00", "Europe/Berlin")).toBe("2026-11-01T09:00:00.000Z");
  });
});

describe("auth parser: RFC 3339 /var/log/secure", () => {
  const parser = new AuthParser(testContext());
  const events = runFixture(parser, "auth-rfc3339.log");

  it("normalises offsets and microseconds to UTC milliseconds", () => {
    expect(events[0]).toMatchObject({ type: "access.login", actor_id: "alice", occurred_at: "2026-11-22T08:01:02.123Z" });
  });

  it("reads shadow-utils su success and one failure per su process", () => {
    const su = events.filter((e) => e.channel === "su");
    expect(su.map((e) => [e.actor_id, e.effective_user, e.outcome])).toEqual([
      ["alice", "root", "success"],
      ["alice", "postgres", "failure"],
    ]);
  });

  it("records a sudo refusal as a failed privilege attempt", () => {
    expect(events.find((e) => e.actor_id === "mallory")).toMatchObject({
      type: "access.privilege",
      outcome: "failure",
      reason: "user NOT in sudoers",
      effective_user: "root",
      occurred_at: "2026-11-22T13:01:05.500Z",
    });
    expect(parser.stats.unparsed).toBe(1);
  });
});

describe("auth parser: journald JSON", () => {
  const parser = new AuthParser(testContext());
  const events = runFixture(parser, "auth-journal.jsonl");

  it("reads __REALTIME_TIMESTAMP microseconds and byte-array messages", () => {
    expect(events.map((e) => [e.type, e.actor_id, e.occurred_at])).toEqual([
      ["access.login", "alice", "2026-11-22T08:01:02.123Z"],
      ["access.privilege", "alice", "2026-11-22T08:02:10.000Z"],
      ["access.logout", "alice", "2026-11-22T08:31:02.000Z"],
    ]);
    expect(events[2]).toMatchObject({ duration_s: 1799.877 });
    expect(parser.stats.unparsed).toBe(2);
  });

  it("keys ids on the journal cursor, so the same entry at another offset keeps its id", () => {
    const { lines } = loadFixture("auth-journal.jsonl");
    const first = lines[0]?.text ?? "";
    const a = new AuthParser(testContext()).push(first, { file: "x", offset: 0 });
    const b = new AuthParser(testContext()).push(first, { file: "y", offset: 999 });
    expect(a[0]?.event_id).toBeDefined();
    expect(a[0]?.event_id).toBe(b[0]?.event_id);
  });
});

describe("auth parser: production input", () => {
  it("treats a '#' line as data (only the test fixture loader skips headers), counting it unparsed", () => {
    const parser = new AuthParser(testContext());
    expect(parser.push("# Nov 22 08:01:02 web-01 sshd[1]: Accepted password for a from 10.0.0.1 port 1 ssh2", { file: "f", offset: 0 })).toEqual([]);
    expect(parser.stats.unparsed).toBe(1);
  });

  it("keeps unparsed samples redacted and short", () => {
    const parser = new AuthParser(testContext());
    parser.push(`garbage PGPASSWORD=hunter2 ${"x".repeat(5000)}`, { file: "f", offset: 0 });
    expect(parser.stats.samples[0]?.line).toContain("PGPASSWORD=[REDACTED]");
    expect(parser.stats.samples[0]?.line.length).toBeLessThanOrEqual(512);
  });

  it("ends a session whose login it never saw (collector restarted) without duration, once", () => {
    const parser = new AuthParser(testContext());
    const close = parser.push("Nov 22 09:00:00 web-01 sshd[77]: pam_unix(sshd:session): session closed for user alice", { file: "f", offset: 0 });
    const disconnect = parser.push("Nov 22 09:00:00 web-01 sshd[77]: Disconnected from user alice 10.0.0.1 port 22", { file: "f", offset: 90 });
    expect(close).toMatchObject([{ type: "access.logout", session_id: "sshd-77", actor_id: "alice" }]);
    expect(close[0]?.type === "access.logout" && close[0].duration_s).toBeUndefined();
    expect(disconnect).toEqual([]);
  });
});


import { describe, expect, it } from "vitest";
import { runFixture, testContext } from "../testdata/load";
import { AuthParser } from "./parser";

/** Syslog envelopes besides classic BSD: RFC 5424 and journalctl's text output. */
describe("auth parser: RFC 5424", () => {
  it("reads the examples of RFC 5424 §6.5 (NILVALUEs, structured data, BOM) without a parse failure", () => {
    const parser = new AuthParser(testContext());
    expect(runFixture(parser, "real/rfc5424-examples.log")).toEqual([]);
    expect(parser.stats.unparsed).toBe(0);
    expect(parser.stats.ignored).toBe(4);
  });

  it("turns rsyslog's RSYSLOG_SyslogProtocol23Format lines into events", () => {
    const events = runFixture(new AuthParser(testContext()), "constructed/rsyslog-rfc5424.log");
    expect(events.map((e) => [e.type, e.actor_id, e.occurred_at])).toEqual([
      ["access.login", "bob", "2026-11-22T08:01:02.123Z"],
      ["access.privilege", "bob", "2026-11-22T07:02:10.000Z"],
    ]);
    expect(events[1]).toMatchObject({ command: "/bin/ls /root", effective_user: "root" });
    expect(events[0]?.labels.time_inferred).toBeUndefined();
  });
});

describe("auth parser: journalctl -o short-iso", () => {
  const parser = new AuthParser(testContext());
  const events = runFixture(parser, "constructed/journalctl-short-iso.log");

  it("reads `+0000` offsets and skips journalctl's marker lines", () => {
    expect(events.map((e) => [e.type, e.occurred_at])).toEqual([
      ["access.login", "2026-11-22T08:01:02.000Z"],
      ["access.privilege", "2026-11-22T08:02:10.000Z"],
      ["access.logout", "2026-11-22T08:31:02.250Z"],
    ]);
    expect(parser.stats.unparsed).toBe(0);
    expect(parser.stats.ignored).toBe(2);
  });
});

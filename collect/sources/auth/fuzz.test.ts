import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { adversarialLines, expectSound, feed, fixtureLines, fuzzParser, mutatedJsonLine, mutatedLine } from "../testdata/fuzz";
import { testContext } from "../testdata/load";
import { AuthParser } from "./parser";

const seeds = fixtureLines("auth.log", "auth-rfc3339.log", "real/beats-auth-test.log", "real/beats-auth-timestamp.log", "real/rfc5424-examples.log", "constructed/journalctl-short-iso.log", "constructed/rsyslog-rfc5424.log").concat(fixtureLines("real/loghub-linux-2k.log").filter((l) => /pam_unix|LOGIN/.test(l)));
const journal = fixtureLines("auth-journal.jsonl");
const make = () => new AuthParser(testContext());

/** Well-formed sshd/sudo lines around generated names, addresses and commands (attacker-controlled fields). */
const generated = fc
  .tuple(
    fc.constantFrom(
      "Accepted password for %u from %i port 22 ssh2",
      "Failed password for invalid user %u from %i port 22 ssh2",
      "Invalid user %u from %i port 22",
      "message repeated %n times: [ Failed password for %u from %i port 22 ssh2]",
      "pam_unix(sshd:session): session closed for user %u",
      "Disconnected from user %u %i port 22",
    ),
    fc.string({ maxLength: 300 }),
    fc.oneof(fc.ipV4(), fc.ipV6(), fc.string({ maxLength: 60 })),
    fc.integer({ min: 0, max: 20 }),
    fc.constantFrom("sshd", "sshd-session", "sudo", "su"),
    fc.nat({ max: 99999 }),
  )
  .map(([tpl, user, ip, n, prog, pid]) => `Nov 22 08:01:02 web-01 ${prog}[${pid}]: ${tpl.replace("%u", user).replace("%i", ip).replace("%n", String(n))}`);
const sudo = fc
  .tuple(fc.string({ maxLength: 40 }), fc.string({ maxLength: 400 }))
  .map(([user, rest]) => `Nov 22 08:01:02 web-01 sudo:   ${user} : TTY=pts/0 ; PWD=/x ; USER=root ; COMMAND=${rest}`);

describe("auth parser fuzzing", () => {
  it("survives mutated syslog lines", () => fuzzParser(make, mutatedLine(seeds)));
  it("survives generated sshd and sudo lines", () => fuzzParser(make, fc.oneof(generated, sudo)));
  it("survives mutated journald JSON", () => fuzzParser(make, mutatedJsonLine(journal)));

  it("gives 'message repeated N times' N distinct ids", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), (n) => {
        const line = `Nov 22 08:04:05 web-01 sshd[2001]: message repeated ${n} times: [ Failed password for bob from 198.51.100.7 port 40022 ssh2]`;
        const events = make().push(line, { file: "f", offset: 7 });
        expect(events).toHaveLength(n);
        expect(new Set(events.map((e) => e.event_id)).size).toBe(n);
      }),
      { numRuns: 50 },
    );
  });

  it("handles 100 kB adversarial lines without hanging", () => {
    const prefixes = [
      "Nov 22 08:01:02 web-01 sshd[1]: Failed password for ",
      "Nov 22 08:01:02 web-01 sshd[1]: Invalid user ",
      "Nov 22 08:01:02 web-01 sshd[1]: Connection closed by invalid user ",
      "Nov 22 08:01:02 web-01 sudo: alice : ",
      "Nov 22 08:01:02 web-01 su[1]: pam_unix(su:auth): authentication failure; ruser=",
      "Nov 22 08:01:02 web-01 sshd[1]: message repeated 2 times: [ ",
      "2026-11-22T08:01:02Z web-01 sshd[1]: Accepted password for a from ",
      '{"__REALTIME_TIMESTAMP":"1795334462123456","SYSLOG_IDENTIFIER":"sudo","MESSAGE":"',
    ];
    const parser = make();
    expectSound(feed(parser, adversarialLines(prefixes)), parser);
  });
});

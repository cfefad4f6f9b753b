import { describe, expect, it } from "vitest";
import type { AuditEvent } from "../../../schemas";
import { loadFixture, runFixture, testContext } from "../testdata/load";
import { AptHistoryParser, type AptTransaction } from "./apt-history";
import { DpkgParser } from "./dpkg";
import { PackageJoiner } from "./join";
import { compareDebianVersions } from "./version";

type PackageEvent = Extract<AuditEvent, { type: "change.package" }>;
const packages = (events: AuditEvent[]): PackageEvent[] => events.filter((e): e is PackageEvent => e.type === "change.package");

function readHistory(): { parser: AptHistoryParser; txs: AptTransaction[] } {
  const parser = new AptHistoryParser();
  const txs = loadFixture("apt-history.log").lines.flatMap((l) => parser.push(l.text));
  return { parser, txs: [...txs, ...parser.flush()] };
}

describe("dpkg.log parser", () => {
  const parser = new DpkgParser(testContext());
  const events = packages(runFixture(parser, "dpkg.log"));

  it("reads install, upgrade, remove and purge, skipping dpkg's step lines", () => {
    expect(events.map((e) => [e.op, e.package, e.version_before ?? null, e.version_after ?? null])).toEqual([
      ["install", "nginx-common", null, "1.24.0-2"],
      ["install", "nginx", null, "1.24.0-2"],
      ["upgrade", "openssl", "3.0.13-1", "3.0.15-1"],
      ["downgrade", "libfoo", "2.0-1", "1.9-3"],
      ["downgrade", "tzdata", "1:2024a-1", "2026a-0+deb12u1"],
      ["remove", "telnet", "0.17+2.4-2", null],
      ["purge", "telnet", "0.17+2.4-2", null],
    ]);
    expect(parser.stats.ignored).toBe(7);
    expect(parser.stats.unparsed).toBe(3);
  });

  it("names no actor: dpkg.log does not know who ran it", () => {
    expect(events[2]).toMatchObject({
      occurred_at: "2026-11-22T08:01:03.000Z",
      actor_id: "unknown",
      actor_kind: "unknown",
      attribution_method: "none",
      attribution_confidence: 0,
      resource: "openssl:amd64",
      labels: { source: "dpkg", arch: "amd64" },
      raw: "2026-11-22 08:01:03 upgrade openssl:amd64 3.0.13-1 3.0.15-1",
    });
  });

  it("reads local time in the configured zone", () => {
    const tz = new DpkgParser(testContext({ timeZone: "America/New_York" }));
    const [e] = tz.push("2026-11-22 08:01:03 upgrade openssl:amd64 3.0.13-1 3.0.15-1", { file: "d", offset: 0 });
    expect(e?.occurred_at).toBe("2026-11-22T13:01:03.000Z");
  });
});

describe("apt history.log parser", () => {
  const { parser, txs } = readHistory();

  it("reads stanzas with the requester, and one cut short by a killed apt", () => {
    expect(txs.map((t) => [t.requestedBy?.user ?? null, t.ops.map((o) => `${o.op} ${o.package}`)])).toEqual([
      ["alice", ["install nginx", "install nginx-common", "upgrade openssl"]],
      [null, ["remove telnet", "purge telnet"]],
      ["bob", ["install curl"]],
    ]);
    expect(txs[0]).toMatchObject({ startMs: Date.parse("2026-11-22T08:01:00Z"), endMs: Date.parse("2026-11-22T08:01:05Z"), requestedBy: { uid: 1000 } });
    expect(txs[0]?.ops[1]).toMatchObject({ arch: "amd64", versions: ["1.24.0-2"] });
    expect(txs[2]?.endMs).toBeUndefined();
    expect(parser.stats.unparsed).toBe(1);
  });

  it("redacts credentials in the command line", () => {
    expect(txs[2]?.commandline).toBe("apt-get -o Acquire::http::Proxy=http://proxyuser:[REDACTED]@proxy:3128 install curl");
  });
});

describe("dpkg + apt join", () => {
  it("attributes dpkg changes to apt's Requested-By once the stanza closes, keeping ids", () => {
    const dpkg = runFixture(new DpkgParser(testContext()), "dpkg.log");
    const joiner = new PackageJoiner();
    expect(joiner.addEvents(dpkg)).toEqual([]);
    const { txs } = readHistory();
    const released = packages(txs.flatMap((t) => joiner.addTransaction(t)));
    expect(released.map((e) => [e.package, e.op, e.actor_id, e.attribution_method])).toEqual([
      ["nginx-common", "install", "alice", "auth-log"],
      ["nginx", "install", "alice", "auth-log"],
      ["openssl", "upgrade", "alice", "auth-log"],
      ["telnet", "remove", "unknown", "none"],
      ["telnet", "purge", "unknown", "none"],
    ]);
    expect(released[0]).toMatchObject({ actor_kind: "human", attribution_confidence: 0.9, channel: "sudo", effective_user: "root", labels: { apt_commandline: "apt-get install -y nginx" } });
    expect(released[3]?.labels.apt_commandline).toBe("/usr/bin/unattended-upgrade");
    const byId = new Map(dpkg.map((e) => [e.event_id, e]));
    expect(released.every((e) => byId.has(e.event_id))).toBe(true);
    // dpkg -i of libfoo/tzdata had no apt stanza: released unattributed after the hold window, not lost.
    expect(joiner.expire(Date.parse("2026-11-22T09:59:00Z"))).toEqual([]);
    expect(joiner.expire(Date.parse("2026-11-22T12:00:00Z")).map((e) => e.type === "change.package" && e.package)).toEqual(["libfoo", "tzdata"]);
    expect(joiner.flush()).toEqual([]);
  });

  it("attributes a dpkg event arriving after its transaction at once", () => {
    const joiner = new PackageJoiner();
    const { txs } = readHistory();
    txs.forEach((t) => joiner.addTransaction(t));
    const [e] = new DpkgParser(testContext()).push("2026-11-22 11:00:30 install curl:amd64 <none> 8.5.0-2", { file: "d", offset: 1 });
    expect(joiner.addEvents(e ? [e] : [])).toMatchObject([{ actor_id: "bob", package: "curl" }]);
  });
});

describe("Debian version comparison", () => {
  it.each([
    ["1.0", "1.0", 0],
    ["1.0-1", "1.0-2", -1],
    ["1:0.9", "2.0", 1],
    ["1.0~rc1", "1.0", -1],
    ["1.0a", "1.0", 1],
    ["1.10", "1.9", 1],
    ["2.0-1", "1.9-3", 1],
    ["3.0.15-1", "3.0.13-1", 1],
    ["1.0+b1", "1.0", 1],
  ])("%s vs %s", (a, b, sign) => {
    expect(Math.sign(compareDebianVersions(a, b))).toBe(sign);
  });
});

import { describe, expect, it } from "vitest";
import type { AuditEvent } from "../../../schemas";
import { restoreTzAfterEach, runFixture, testContext } from "../testdata/load";
import { DpkgParser } from "./dpkg";

type PackageEvent = Extract<AuditEvent, { type: "change.package" }>;
const packages = (events: AuditEvent[]): PackageEvent[] => events.filter((e): e is PackageEvent => e.type === "change.package");

/** dpkg.log excerpts real users posted (testdata/real/SOURCE): one event per package action. */
describe("dpkg.log parser: real purge, remove and reinstall runs", () => {
  const parser = new DpkgParser(testContext());
  const events = packages(runFixture(parser, "real/dpkg-forum-excerpts.log"));

  it("makes one event per action: a purge run's remove+purge pair is one purge, a conffile-less purge is a purge", () => {
    expect(events.map((e) => [e.occurred_at.slice(0, 4), e.op, e.package, e.version_before ?? null, e.version_after ?? null])).toEqual([
      ["2007", "remove", "torrentflux", "2.3-2ubuntu1", null],
      ["2007", "purge", "torrentflux", "2.3-2ubuntu1", null],
      ["2011", "purge", "wine1.2-gecko", "1.0.0-0ubuntu4", null],
      ["2012", "reinstall", "linux-headers-3.2.0-25", "3.2.0-25.40", "3.2.0-25.40"],
      ["2013", "purge", "bcmwl-kernel-source", "5.100.82.112+bdcom-0ubuntu3", null],
      ["2025", "purge", "systemd-timesyncd", "255.4-1ubuntu8.11", null],
    ]);
    expect(parser.stats.unparsed).toBe(0);
  });

  it("reports a reinstall (`upgrade X X`) as a reinstall, not an upgrade from X to X", () => {
    expect(events[3]).toMatchObject({ op: "reinstall", version_before: events[3]?.version_after });
  });
});

describe("dpkg.log parser: time zone", () => {
  restoreTzAfterEach();

  it("reads dpkg's local times in the host's zone (TZ) when none is configured", () => {
    process.env.TZ = "Asia/Tokyo";
    const { timeZone: _utc, ...ctx } = testContext();
    const [e] = new DpkgParser(ctx).push("2013-02-17 20:11:12 remove bcmwl-kernel-source:amd64 5.100.82.112+bdcom-0ubuntu3 <none>", { file: "d", offset: 0 });
    expect(e?.occurred_at).toBe("2013-02-17T11:11:12.000Z");
  });
});

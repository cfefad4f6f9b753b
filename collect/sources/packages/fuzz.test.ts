import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { adversarialLines, expectSound, feed, fixtureLines, FUZZ_RUNS, fuzzParser, mutatedLine } from "../testdata/fuzz";
import { testContext } from "../testdata/load";
import { AptHistoryParser } from "./apt-history";
import { DpkgParser } from "./dpkg";
import { PackageJoiner } from "./join";
import { compareDebianVersions } from "./version";

const dpkgSeeds = fixtureLines("dpkg.log", "real/dpkg-forum-excerpts.log");
const historySeeds = fixtureLines("apt-history.log");
const make = () => new DpkgParser(testContext());
const version = fc.stringMatching(/^(?:\d{1,2}:)?[0-9][A-Za-z0-9.+~]{0,10}(?:-[A-Za-z0-9.+~]{1,6})?$/);

const generated = fc
  .tuple(fc.constantFrom("install", "upgrade", "remove", "purge"), fc.string({ maxLength: 80 }), fc.oneof(version, fc.constant("<none>")), fc.oneof(version, fc.constant("<none>")))
  .map(([op, pkg, a, b]) => `2026-11-22 08:01:02 ${op} ${pkg.replace(/\s/g, "_") || "p"}:amd64 ${a} ${b}`);

describe("packages fuzzing", () => {
  it("dpkg parser survives mutated and generated lines", () => fuzzParser(make, fc.oneof(mutatedLine(dpkgSeeds), generated)));

  it("apt history parser and the join survive arbitrary stanzas; joined events stay valid", () => {
    fc.assert(
      fc.property(fc.array(mutatedLine([...historySeeds, "", "Start-Date: 2026-11-22  08:01:00"]), { maxLength: 30 }), fc.array(generated, { maxLength: 10 }), (history, dpkg) => {
        const apt = new AptHistoryParser();
        const txs = [...history.flatMap((l) => apt.push(l)), ...apt.flush()];
        const parser = make();
        const joiner = new PackageJoiner();
        const events = [...joiner.addEvents(feed(parser, dpkg)), ...txs.flatMap((t) => joiner.addTransaction(t)), ...joiner.flush()];
        expectSound(events, parser);
        expect(events).toHaveLength(parser.stats.events);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it("version comparison is antisymmetric and reflexive", () => {
    fc.assert(
      fc.property(version, version, (a, b) => {
        expect(Math.sign(compareDebianVersions(a, b)) + Math.sign(compareDebianVersions(b, a))).toBe(0);
        expect(compareDebianVersions(a, a)).toBe(0);
      }),
      { numRuns: 1000 },
    );
  });

  it("handles 100 kB adversarial lines without hanging", () => {
    const parser = make();
    const lines = adversarialLines(["2026-11-22 08:01:02 install ", "2026-11-22 08:01:02 upgrade a:amd64 1 ", "2026-11-22 08:01:02 status "]);
    expectSound(feed(parser, lines), parser);
    const apt = new AptHistoryParser();
    for (const l of adversarialLines(["Start-Date: ", "Install: ", "Install: a:amd64 (", "Requested-By: ", "Commandline: "])) apt.push(l);
    expect(apt.flush().length).toBeLessThanOrEqual(1);
  });
});

import fc from "fast-check";
import { describe, it } from "vitest";
import { adversarialLines, expectSound, feed, fixtureLines, fuzzParser, mutatedLine } from "../testdata/fuzz";
import { testContext } from "../testdata/load";
import { AuditdParser } from "./parser";

const seeds = fixtureLines("audit.log", "real/go-libaudit-execve.log", "real/auditd-user-records.log", "real/ausearch-i.log");
const make = () => new AuditdParser(testContext(), { userRecords: true, resolveUid: (uid) => (uid === 1000 ? "alice" : undefined) });

const hex = (s: string) => Buffer.from(s, "utf8").toString("hex").toUpperCase();
/** Records of one generated event, with arbitrary argv, names and flags, in any order (interleaving). */
const generatedEvent = fc
  .tuple(
    fc.nat({ max: 9999 }),
    fc.constantFrom("59", "257", "2", "82", "316", "263", "268", "999"),
    fc.array(fc.string({ maxLength: 80 }), { maxLength: 6 }),
    fc.string({ maxLength: 120 }),
    fc.constantFrom("NORMAL", "CREATE", "DELETE", "PARENT", "UNKNOWN"),
    fc.stringMatching(/^[0-9a-f]{0,8}$/),
    fc.constantFrom("1000", "4294967295", "-1", "x"),
  )
  .chain(([serial, sc, argv, name, nametype, flags, auid]) => {
    const id = `1795334530.${String(serial % 1000).padStart(3, "0")}:${serial}`;
    const records = [
      `type=SYSCALL msg=audit(${id}): arch=c000003e syscall=${sc} success=yes exit=0 a0=ffffff9c a1=${flags || "0"} a2=${flags || "0"} items=1 auid=${auid} uid=0 euid=0 ses=1 tty=pts0 exe="/bin/x"`,
      `type=EXECVE msg=audit(${id}): argc=${argv.length} ${argv.map((a, i) => `a${i}=${hex(a)}`).join(" ")}`,
      `type=CWD msg=audit(${id}): cwd=${hex(name)}`,
      `type=PATH msg=audit(${id}): item=0 name=${hex(name)} mode=0100644 ouid=0 nametype=${nametype}`,
      `type=PROCTITLE msg=audit(${id}): proctitle=${hex(argv.join("\u0000"))}`,
      `type=EOE msg=audit(${id}):`,
    ];
    return fc.shuffledSubarray(records, { minLength: 1 });
  });

describe("auditd parser fuzzing", () => {
  it("survives mutated audit.log records", () => fuzzParser(make, mutatedLine(seeds)));

  it("survives generated, shuffled and partial syscall events", () =>
    fuzzParser(make, generatedEvent.map((records) => records.join("\n")).chain((joined) => fc.constantFrom(...joined.split("\n")))));

  it("survives whole generated events fed record by record", () => {
    fc.assert(
      fc.property(fc.array(generatedEvent, { minLength: 1, maxLength: 8 }), (events) => {
        const parser = make();
        expectSound(feed(parser, events.flat()), parser);
      }),
      { numRuns: 300 },
    );
  });

  it("handles 100 kB adversarial records without hanging", () => {
    const prefixes = [
      "type=SYSCALL msg=audit(1795334530.000:1): ",
      "type=EXECVE msg=audit(1795334530.000:1): argc=3 a0=",
      "type=EXECVE msg=audit(1795334530.000:1): argc=99999 ",
      "type=PATH msg=audit(1795334530.000:1): item=0 nametype=CREATE name=",
      "type=USER_CMD msg=audit(1795334530.000:2): msg='cmd=",
      "type=PROCTITLE msg=audit(1795334530.000:1): proctitle=",
      "node=",
    ];
    const parser = make();
    expectSound(feed(parser, [...adversarialLines(prefixes), "type=EOE msg=audit(1795334530.000:1):"]), parser);
  });
});

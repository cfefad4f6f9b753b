import { describe, it } from "vitest";
import { adversarialLines, expectSound, feed, fixtureLines, fuzzParser, mutatedJsonLine, mutatedLine } from "../testdata/fuzz";
import { testContext } from "../testdata/load";
import { SudoJsonParser } from "./parser";

const pretty = fixtureLines("constructed/sudo-eventlog.json", "real/sudo-iolog-log.json");
const compact = [JSON.stringify({ accept: { uuid: "u-1", submit_time: { seconds: 1677638673 }, submituser: "millert", runuser: "root", runargv: ["id"] } }), JSON.stringify({ exit: { uuid: "u-1", exit_time: { seconds: 1677638690 }, exit_value: 0 } })];
const make = () => new SudoJsonParser(testContext());

describe("sudo JSON parser fuzzing", () => {
  it("survives mutated pretty-printed records, line by line", () => fuzzParser(make, mutatedLine(pretty)));
  it("survives compact records with arbitrary values", () => fuzzParser(make, mutatedJsonLine(compact)));
  it("handles 100 kB adversarial lines without hanging", () => {
    const parser = make();
    expectSound(feed(parser, adversarialLines(['{"accept": {"command": "', '    "exit": {', "{"])), parser);
  });
});

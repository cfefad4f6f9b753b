import { describe, expect, it } from "vitest";
import { parseBenchOutput, rowsOf } from "./report";

describe("bench report lines", () => {
  it("reads the rows of a BENCH line among other output", () => {
    const out = 'warming up\nBENCH {"name":"x","rows":[{"figure":"write","value":10,"unit":"rows/s","ratio":0.5,"target":">= 0.50x","met":true}]}\n';
    const [line] = parseBenchOutput(out, "bench/x");
    expect(line?.name).toBe("x");
    expect(rowsOf(line!)).toEqual([{ figure: "write", value: 10, unit: "rows/s", ratio: 0.5, target: ">= 0.50x", met: true }]);
  });

  it("lists a flat line's numeric fields when it has no rows", () => {
    const [line] = parseBenchOutput('BENCH {"name":"y","events_per_s":1200,"note":"text"}', "bench/y");
    expect(rowsOf(line!)).toEqual([{ figure: "events_per_s", value: 1200, unit: "" }]);
  });

  it("names the bench whose line is broken", () => {
    expect(() => parseBenchOutput("BENCH {oops", "bench/z")).toThrow(/bench\/z: its BENCH line is not JSON/);
    expect(() => parseBenchOutput('BENCH {"rows":[]}', "bench/z")).toThrow(/bench\/z: .*name/);
  });
});

import { renderSummary, replaceReadmeSection } from "./summary";

describe("bench summary", () => {
  it("renders a row per figure and says why a bench failed", () => {
    const table = renderSummary(
      [
        { step: "a", command: "x", seconds: 1, error: undefined, lines: [{ name: "a", rows: [{ figure: "w", value: 1234.5, unit: "rows/s", ratio: 0.512, target: ">= 0.50x", met: true }] }] },
        { step: "b", command: "y", seconds: 1, error: "exited with code 1", lines: [] },
      ],
      rowsOf,
    );
    expect(table).toContain("| a | w | 1,235 rows/s |  | 0.51× | >= 0.50x | yes |");
    expect(table).toContain("| b | **failed**: exited with code 1 |");
  });

  it("rewrites only the marked README section", () => {
    const readme = "intro\n<!-- bench:summary:start -->\nold\n<!-- bench:summary:end -->\nrest";
    expect(replaceReadmeSection(readme, "new")).toBe("intro\n<!-- bench:summary:start -->\nnew\n<!-- bench:summary:end -->\nrest");
    expect(() => replaceReadmeSection("none", "t")).toThrow(/no <!-- bench:summary:start -->/);
  });
});

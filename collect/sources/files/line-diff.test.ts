import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { countLineDiff, splitLines } from "./line-diff";

/** The definition: LCS by dynamic programming (small inputs only). */
function lcsOracle(a: string, b: string): { added: number; removed: number } {
  const x = splitLines(a);
  const y = splitLines(b);
  const dp: number[][] = Array.from({ length: x.length + 1 }, () => new Array<number>(y.length + 1).fill(0));
  for (let i = x.length - 1; i >= 0; i--) {
    for (let j = y.length - 1; j >= 0; j--) {
      const row = dp[i] ?? [];
      row[j] = x[i] === y[j] ? (dp[i + 1]?.[j + 1] ?? 0) + 1 : Math.max(dp[i + 1]?.[j] ?? 0, row[j + 1] ?? 0);
    }
  }
  const l = dp[0]?.[0] ?? 0;
  return { added: y.length - l, removed: x.length - l };
}

const textOf = (lines: string[], eol: boolean) => lines.join("\n") + (eol && lines.length > 0 ? "\n" : "");
const text = fc.tuple(fc.array(fc.constantFrom("a", "b", "c", "d", ""), { maxLength: 14 }), fc.boolean()).map(([l, e]) => textOf(l, e));

describe("countLineDiff", () => {
  it("counts like git --numstat on an edit", () => {
    const before = "user www-data;\nworker_processes 4;\nevents {}\n";
    const after = "user www-data;\nworker_processes 8;\nevents {}\n# hotfix\n";
    expect(countLineDiff(before, after)).toEqual({ added: 2, removed: 1, exact: true });
    const dir = mkdtempSync(join(tmpdir(), "numstat-"));
    try {
      writeFileSync(join(dir, "a"), before);
      writeFileSync(join(dir, "b"), after);
      // git diff --no-index exits 1 when the files differ; stdout holds the numstat either way.
      const run = spawnSync("git", ["diff", "--no-index", "--numstat", "a", "b"], { cwd: dir, encoding: "utf8" });
      expect(run.stdout.trim().split("\t").slice(0, 2)).toEqual(["2", "1"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("treats a missing final newline as a change, as git does", () => {
    expect(countLineDiff("a\nb\n", "a\nb")).toEqual({ added: 1, removed: 1, exact: true });
  });

  it("property: equals the LCS definition", () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        const got = countLineDiff(a, b);
        expect({ added: got.added, removed: got.removed }).toEqual(lcsOracle(a, b));
      }),
      { numRuns: 2000 },
    );
  });

  it("property: identical texts give 0/0; added − removed is the change in line count", () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(countLineDiff(a, a)).toEqual({ added: 0, removed: 0, exact: true });
        const d = countLineDiff(a, b, 3);
        expect(d.added - d.removed).toBe(splitLines(b).length - splitLines(a).length);
      }),
    );
  });
});

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { unifiedDiff } from "./unified-diff";

/** Every diff is checked by git itself: applied to the old text in a real repository, it must give the new text byte for byte. */
const dir = mkdtempSync(join(tmpdir(), "unified-diff-"));
execFileSync("git", ["init", "-q", dir]);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function roundTrip(before: string | null, after: string): string {
  const file = join(dir, "f.conf");
  rmSync(file, { force: true });
  if (before !== null) writeFileSync(file, before);
  const diff = unifiedDiff("f.conf", before, after);
  writeFileSync(join(dir, "p.diff"), diff);
  execFileSync("git", ["-C", dir, "apply", "--check", "p.diff"]);
  execFileSync("git", ["-C", dir, "apply", "p.diff"]);
  expect(readFileSync(file, "utf8")).toBe(after);
  return diff;
}

const lines = (n: number, f = (i: number) => `line ${i}`) => Array.from({ length: n }, (_, i) => `${f(i)}\n`).join("");

describe("unifiedDiff", () => {
  it("changes in the middle, near the end and far apart (three hunks)", () => {
    const base = lines(40);
    const diff = roundTrip(base, base.replace("line 3\n", "line three\n").replace("line 30\n", "").replace("line 39\n", "line 39\nline 40\n"));
    expect(diff.match(/^@@ /gm)).toHaveLength(3);
    roundTrip(base, `first\n${base}`);
  });

  it("a last line without a newline, on either side", () => {
    roundTrip("a\nb\nc", "a\nb\nc\n");
    roundTrip("a\nb\nc\n", "a\nb\nC");
    roundTrip("a\nb", "a\nB");
  });

  it("a new file, an emptied file, and equal texts", () => {
    roundTrip(null, "new\ncontent\n");
    roundTrip("gone\n", "");
    expect(unifiedDiff("f.conf", "same\n", "same\n")).toBe("");
  });
});

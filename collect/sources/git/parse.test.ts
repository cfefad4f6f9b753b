import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDiffTree, parseLsTree } from "./parse";

const hex40 = fc.stringMatching(/^[0-9a-f]{40}$/);
// Paths git can hold: anything but NUL, not empty; include ones that look like commit ids or headers.
const path = fc.oneof(fc.string({ minLength: 1 }).filter((s) => !s.includes("\x00")), hex40, fc.constant(":100644 x"));
const change = fc.record({ path, blob: hex40, status: fc.constantFrom("A", "M", "D", "T") });

describe("git -z parsers", () => {
  it("property: diff-tree output round-trips any paths, deletions as empty blobs", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ commit: hex40, changes: fc.array(change, { maxLength: 6 }) }), { maxLength: 5 }), (commits) => {
        const unique = [...new Map(commits.map((c) => [c.commit, c])).values()];
        let out = "";
        for (const c of unique) {
          out += `${c.commit}\x00`;
          for (const ch of c.changes) out += `:100644 100644 ${"1".repeat(40)} ${ch.status === "D" ? "0".repeat(40) : ch.blob} ${ch.status}\x00${ch.path}\x00`;
        }
        const parsed = parseDiffTree(Buffer.from(out));
        for (const c of unique) {
          expect(parsed.get(c.commit)).toEqual(c.changes.map((ch) => ({ path: ch.path, blob: ch.status === "D" ? "" : ch.blob })));
        }
      }),
    );
  });

  it("skips submodules (gitlinks) in diff-tree and ls-tree", () => {
    const c = "a".repeat(40);
    const out = `${c}\x00:000000 160000 ${"0".repeat(40)} ${"b".repeat(40)} A\x00vendor/lib\x00:000000 100644 ${"0".repeat(40)} ${"c".repeat(40)} A\x00x\x00`;
    expect(parseDiffTree(Buffer.from(out)).get(c)).toEqual([{ path: "x", blob: "c".repeat(40) }]);
    const ls = `160000 commit ${"b".repeat(40)}\tvendor/lib\x00100644 blob ${"c".repeat(40)}\tdir/with\ttab\x00`;
    expect(parseLsTree(Buffer.from(ls))).toEqual([{ path: "dir/with\ttab", blob: "c".repeat(40) }]);
  });
});

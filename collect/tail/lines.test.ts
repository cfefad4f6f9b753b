import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LineSplitter, type RawLine } from "./lines";

function splitAll(chunks: Buffer[], start: number, max: number): { lines: RawLine[]; last: RawLine | null } {
  const s = new LineSplitter(start, max);
  const lines = chunks.flatMap((c) => s.push(c));
  return { lines, last: s.flush() };
}

describe("LineSplitter", () => {
  it("property: any chunking gives the same lines and offsets; offsets point at the line's bytes", () => {
    const content = fc.array(fc.constantFrom("a", "é", "\n", "xyz", "\n\n", "🙂"), { maxLength: 40 }).map((p) => Buffer.from(p.join("")));
    fc.assert(
      fc.property(content, fc.array(fc.nat({ max: 50 }), { maxLength: 8 }), fc.nat({ max: 1000 }), (buf, cuts, start) => {
        const points = [...new Set(cuts.map((c) => Math.min(c, buf.length)))].sort((x, y) => x - y);
        const chunks: Buffer[] = [];
        let prev = 0;
        for (const p of [...points, buf.length]) {
          chunks.push(buf.subarray(prev, p));
          prev = p;
        }
        const whole = splitAll([buf], start, 1 << 20);
        const pieces = splitAll(chunks, start, 1 << 20);
        expect(pieces).toEqual(whole);
        for (const l of whole.lines) {
          expect(buf.subarray(l.offset - start, l.end - start - 1).toString("utf8")).toBe(l.text);
          expect(buf[l.end - start - 1]).toBe(0x0a);
        }
        // The held partial line starts where the last complete line ended.
        if (whole.last !== null) expect(whole.last.offset).toBe(whole.lines.at(-1)?.end ?? start);
      }),
      { numRuns: 1000 },
    );
  });

  it("property: pieces of an over-long line never exceed the limit and rejoin to the line", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300, unit: "grapheme-ascii" }).filter((s) => !s.includes("\n")), fc.integer({ min: 1, max: 64 }), (text, max) => {
        const { lines, last } = splitAll([Buffer.from(`${text}\n`)], 0, max);
        const all = last === null ? lines : [...lines, last];
        expect(all.every((l) => Buffer.byteLength(l.text) <= max)).toBe(true);
        expect(all.map((l) => l.text).join("")).toBe(text);
        expect(all.at(-1)?.end).toBe(text.length + 1);
      }),
    );
  });
});

describe("LineSplitter with a reused read buffer", () => {
  it("keeps a line that crosses a read boundary intact when the caller overwrites its buffer", () => {
    const text = Buffer.from("first line\nsecond half-");
    const more = Buffer.from("line\n");
    const shared = Buffer.alloc(64);
    const s = new LineSplitter(0, 1 << 20);
    text.copy(shared);
    const out = s.push(shared.subarray(0, text.length));
    shared.fill(0x2d); // the next read lands in the same buffer
    more.copy(shared);
    out.push(...s.push(shared.subarray(0, more.length)));
    expect(out.map((l) => l.text)).toEqual(["first line", "second half-line"]);
  });
});

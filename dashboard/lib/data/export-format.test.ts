import { describe, expect, it } from "vitest";
import { csvCell, csvRow, parseCsv } from "./export-format";
import { mdCell } from "./timeline-export";
import { visibleControls, visibleParts } from "./visible-text";

describe("CSV", () => {
  it("quotes separators, quotes and line breaks (RFC 4180)", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell('say "hi", then\nleave')).toBe('"say ""hi"", then\nleave"');
    expect(csvCell(null)).toBe("");
    expect(csvCell({ a: 1 })).toBe('"{""a"":1}"');
  });

  it("defuses spreadsheet formulas: = + - @ TAB CR at the start become text", () => {
    for (const s of ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]) expect(csvCell(s).replace(/^"/, "").startsWith("'")).toBe(true);
    expect(csvCell("a=b")).toBe("a=b");
  });

  it("parses back what it wrote, field for field", () => {
    const rows = [["id", "cmd"], ["1", 'echo "a,b"\r\nx'], ["2", "=cmd|' /C calc'!A0"]];
    const text = rows.map(csvRow).join("");
    expect(parseCsv(text)).toEqual([rows[0], rows[1], ["2", "'=cmd|' /C calc'!A0"]]);
  });
});

describe("visible control characters", () => {
  it("shows ANSI escapes and bidi overrides as visible tokens", () => {
    expect(visibleControls("\u001b[31mred\u001b[0m")).toBe("\\x1b[31mred\\x1b[0m");
    expect(visibleControls("rm -rf /\u202Egnp.x")).toBe("rm -rf /⟨U+202E⟩gnp.x");
    expect(visibleControls("a\nb", { keepNewlines: false })).toBe("a\\nb");
    expect(visibleParts("x\u0000y").map((p) => p.control)).toEqual([false, true, false]);
  });
});

describe("Markdown cells", () => {
  it("escape pipes, backticks and HTML so a cell stays one cell of text", () => {
    expect(mdCell("a|b`c`<script>")).toBe("a\\|b\\`c\\`&lt;script&gt;");
    expect(mdCell("line1\nline2")).toBe("line1 line2");
    expect(mdCell("x".repeat(500)).length).toBeLessThan(210);
  });
});

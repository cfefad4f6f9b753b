import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach } from "vitest";
import type { AuditEvent } from "../../../schemas";
import type { SourceContext, SourceParser } from "../types";

/**
 * Test-only fixture loader. Every fixture starts with `#` header lines that
 * explain it; they are skipped here, never by the parsers (a production log
 * line starting with `#` is data). Offsets are byte offsets in the real file,
 * as the tailer reports them.
 */
export interface FixtureLine {
  text: string;
  offset: number;
}

export function loadFixture(name: string): { file: string; lines: FixtureLine[] } {
  const file = join(import.meta.dirname, name);
  const bytes = readFileSync(file);
  const lines: FixtureLine[] = [];
  let offset = 0;
  let inHeader = true;
  while (offset < bytes.length) {
    let end = bytes.indexOf(0x0a, offset);
    if (end < 0) end = bytes.length;
    const text = bytes.subarray(offset, end).toString("utf8");
    if (inHeader && text.startsWith("#")) {
      offset = end + 1;
      continue;
    }
    inHeader = false;
    if (text !== "") lines.push({ text, offset });
    offset = end + 1;
  }
  return { file: name, lines };
}

/** Feed a whole fixture through a parser, then flush. */
export function runFixture(parser: SourceParser, name: string): AuditEvent[] {
  const { file, lines } = loadFixture(name);
  const out: AuditEvent[] = [];
  for (const line of lines) out.push(...parser.push(line.text, { file, offset: line.offset }));
  out.push(...parser.flush());
  return out;
}

/** A context fixed in time and zone: 2026-11-22 12:00 UTC unless told otherwise (not the test machine's TZ). */
export function testContext(overrides: Partial<SourceContext> = {}): SourceContext {
  const now = new Date("2026-11-22T12:00:00.000Z");
  return { collectorId: "col-test", host: "web-01", env: "prod", now: () => now, timeZone: "UTC", ...overrides };
}

/** For tests that set process.env.TZ (the host zone default): put the original back after each test. */
export function restoreTzAfterEach(): void {
  const saved = process.env.TZ;
  afterEach(() => {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  });
}

import { describe, expect, it } from "vitest";
import { crc32c, crc32cUpdate } from "./crc32c";
import { encodeFrames, parseFrames } from "./frame";

describe("crc32c", () => {
  it("matches the standard check value", () => {
    expect(crc32c(Buffer.from("123456789"))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
  });
  it("can be computed incrementally", () => {
    const all = Buffer.from("hello, spool");
    expect(crc32cUpdate(crc32c(all.subarray(0, 5)), all.subarray(5))).toBe(crc32c(all));
  });
});

describe("frames", () => {
  const payloads = ["a", "", "ccc", "x".repeat(300)].map((s) => Buffer.from(s));

  it("round-trips records, including empty ones", () => {
    const parsed = parseFrames(encodeFrames(payloads), { collect: true });
    expect(parsed.stop).toBeNull();
    expect(parsed.payloads.map(String)).toEqual(payloads.map(String));
  });

  it("respects record and byte limits, always returning one record", () => {
    const buf = encodeFrames(payloads);
    expect(parseFrames(buf, { maxRecords: 2 }).count).toBe(2);
    expect(parseFrames(buf, { maxBytes: 4 }).count).toBe(3);
    expect(parseFrames(encodeFrames([Buffer.alloc(50)]), { maxBytes: 1 }).count).toBe(1);
  });

  it("does not accept a zero-filled tail as records", () => {
    const parsed = parseFrames(Buffer.concat([encodeFrames(payloads), Buffer.alloc(16)]));
    expect(parsed.count).toBe(4);
    expect(parsed.stop?.kind).toBe("checksum");
  });

  it("reports short headers, short payloads and bad checksums with offsets", () => {
    const buf = encodeFrames(payloads);
    const lastStart = buf.length - 308;
    expect(parseFrames(buf.subarray(0, lastStart + 3)).stop).toEqual({ kind: "short-header", offset: lastStart });
    expect(parseFrames(buf.subarray(0, lastStart + 20)).stop).toMatchObject({ kind: "short-payload", offset: lastStart, length: 300 });
    const flipped = Buffer.from(buf);
    flipped[lastStart + 100] = (flipped[lastStart + 100] ?? 0) ^ 1;
    expect(parseFrames(flipped).stop).toMatchObject({ kind: "checksum", offset: lastStart, frameEnd: buf.length });
  });
});

import { describe, expect, it } from "vitest";
import { crc32c, crc32cUpdate } from "./crc32c";
import { encodeFrames, parseFrames } from "./frame";

describe("crc32c", () => {
  it("matches the standard check value", () => {
    expect(crc32c(Buffer.from("123456789"))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
  });
  it("matches RFC 3720's iSCSI test vectors (B.4) and a byte-at-a-time reference at every length and offset", () => {
    expect(crc32c(Buffer.alloc(32, 0))).toBe(0x8a9136aa);
    expect(crc32c(Buffer.alloc(32, 0xff))).toBe(0x62a8ab43);
    expect(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => i)))).toBe(0x46dd794e);
    expect(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => 31 - i)))).toBe(0x113fdb5c);
    const reference = (bytes: Uint8Array): number => {
      let c = 0xffffffff;
      for (const b of bytes) {
        c ^= b;
        for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
      }
      return ~c >>> 0;
    };
    const data = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 151 + 7) & 0xff));
    for (let start = 0; start < 9; start++) for (let len = 0; len < 70; len++) expect(crc32c(data.subarray(start, start + len))).toBe(reference(data.subarray(start, start + len)));
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

import { describe, expect, it } from "vitest";
import { gapsFromBuckets, MAX_GAPS, type BucketSpan } from "./timeline-window";

const iso = (ms: number) => new Date(ms).toISOString();

/** What the old gaps query did: every event in order, each silence longer than gapMs between neighbours. */
function gapsFromEveryEvent(times: number[], gapMs: number): Array<{ from: string; to: string }> {
  const sorted = [...times].sort((a, b) => a - b);
  const out: Array<{ from: string; to: string }> = [];
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1];
    const b = sorted[i];
    if (a !== undefined && b !== undefined && b - a > gapMs) out.push({ from: iso(a), to: iso(b) });
  }
  return out.slice(0, MAX_GAPS);
}

/** What the window buckets query returns: per non-empty bucket its first and last event, in no particular order. */
function bucketSpans(times: number[], fromMs: number, bucketMs: number): BucketSpan[] {
  const spans = new Map<number, { lo: number; hi: number }>();
  for (const t of times) {
    const b = Math.floor((t - fromMs) / bucketMs);
    const s = spans.get(b);
    spans.set(b, s ? { lo: Math.min(s.lo, t), hi: Math.max(s.hi, t) } : { lo: t, hi: t });
  }
  return [...spans.entries()].reverse().map(([bucket, s]) => ({ bucket, first_at: iso(s.lo), last_at: iso(s.hi) }));
}

/** Deterministic pseudo-random (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("gapsFromBuckets", () => {
  const fromMs = Date.parse("2026-01-01T00:00:00Z");
  const gapMs = 60 * 60_000;

  it("finds the same silences as sorting every event, for buckets up to a gap wide", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const next = random(seed);
      // Bursts separated by silences of 0–3 h over a day, so some are gaps and some are not.
      const times: number[] = [];
      let t = fromMs + next() * 3_600_000;
      while (t < fromMs + 86_400_000) {
        const burst = 1 + Math.floor(next() * 20);
        for (let i = 0; i < burst; i++) times.push(Math.round((t += next() * 120_000)));
        t += next() * 3 * 3_600_000;
      }
      for (const bucketMs of [15 * 60_000, gapMs]) {
        expect(gapsFromBuckets(bucketSpans(times, fromMs, bucketMs), gapMs), `seed ${seed}, bucket ${bucketMs} ms`).toEqual(gapsFromEveryEvent(times, gapMs));
      }
    }
  });

  it("counts a silence of exactly the threshold as no gap, and one millisecond more as one", () => {
    const exact = [fromMs, fromMs + gapMs];
    const longer = [fromMs, fromMs + gapMs + 1];
    expect(gapsFromBuckets(bucketSpans(exact, fromMs, gapMs), gapMs)).toEqual([]);
    expect(gapsFromBuckets(bucketSpans(longer, fromMs, gapMs), gapMs)).toEqual([{ from: iso(fromMs), to: iso(fromMs + gapMs + 1) }]);
  });

  it("stops at the old query's 200 gaps, the earliest first", () => {
    const times = Array.from({ length: 300 }, (_, i) => fromMs + i * 2 * gapMs);
    const gaps = gapsFromBuckets(bucketSpans(times, fromMs, gapMs), gapMs);
    expect(gaps).toHaveLength(MAX_GAPS);
    expect(gaps[0]).toEqual({ from: iso(fromMs), to: iso(fromMs + 2 * gapMs) });
  });
});

import type { Gap } from "./timeline";

/**
 * Time-axis arithmetic of the timeline page, free of any store import so the
 * brush (a client component) uses the same rounding as the server.
 */
export interface Stretch { from: string; to: string }

/** Bucket widths a reader recognises; the smallest that keeps a window at ≤ 120 buckets (≈ 9 px each in a 1,100 px track). */
const STEPS_MS = [1, 5, 10, 30, 60, 300, 600, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86_400, 7 * 86_400].map((s) => s * 1000);
export const MAX_BUCKETS = 120;
/** One minute: below that a window holds too few events of a person to be worth a zoom step. */
export const MIN_WINDOW_MS = 60_000;
/** 400 days, the filter schema's MAX_RANGE_MS. */
const MAX_WINDOW_MS = 400 * 86_400_000;

export function bucketStepMs(spanMs: number): number {
  return STEPS_MS.find((s) => spanMs / s <= MAX_BUCKETS) ?? 7 * 86_400_000;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The window scaled around its centre by `factor` (< 1 zooms in), kept between one minute and 400 days. */
export function zoomed(from: string, to: string, factor: number): Stretch {
  const f = Date.parse(from);
  const t = Date.parse(to);
  const centre = (f + t) / 2;
  const span = Math.min(MAX_WINDOW_MS, Math.max(MIN_WINDOW_MS, (t - f) * factor));
  return { from: iso(Math.round(centre - span / 2)), to: iso(Math.round(centre + span / 2)) };
}

/** The window moved by `fraction` of its width (negative = earlier). */
export function panned(from: string, to: string, fraction: number): Stretch {
  const f = Date.parse(from);
  const t = Date.parse(to);
  const shift = Math.round((t - f) * fraction);
  return { from: iso(f + shift), to: iso(t + shift) };
}

/** A brushed selection [a, b] of the track (fractions 0–1, either order) as a window, at least one minute wide. */
export function brushed(from: string, to: string, a: number, b: number): Stretch {
  const f = Date.parse(from);
  const span = Date.parse(to) - f;
  const lo = Math.max(0, Math.min(a, b));
  const hi = Math.min(1, Math.max(a, b));
  const start = Math.round(f + lo * span);
  const end = Math.max(start + MIN_WINDOW_MS, Math.round(f + hi * span));
  return { from: iso(start), to: iso(end) };
}

/** The `width`-long stretch of buckets holding the most events (null when the window is no wider, or empty). */
export function busiestStretch(axis: number[], fromMs: number, bucketMs: number, widthMs: number): Stretch | null {
  const k = Math.max(1, Math.round(widthMs / bucketMs));
  if (axis.length <= k) return null;
  let sum = axis.slice(0, k).reduce((a, b) => a + b, 0);
  let best = sum;
  let at = 0;
  for (let i = k; i < axis.length; i++) {
    sum += (axis[i] ?? 0) - (axis[i - k] ?? 0);
    if (sum > best) {
      best = sum;
      at = i - k + 1;
    }
  }
  return best === 0 ? null : { from: iso(fromMs + at * bucketMs), to: iso(fromMs + (at + k) * bucketMs) };
}

/** Event gaps cut by other moments (findings) inside them; pieces still longer than `minutes` stay gaps. */
export function splitGapsByMoments(gaps: Array<{ from: string; to: string }>, moments: string[], minutes: number): Gap[] {
  const sorted = [...moments].sort();
  const out: Gap[] = [];
  for (const gap of gaps) {
    const points = [gap.from, ...sorted.filter((m) => m > gap.from && m < gap.to), gap.to];
    for (let i = 1; i < points.length; i++) {
      const a = points[i - 1];
      const b = points[i];
      if (a === undefined || b === undefined) continue;
      const m = (Date.parse(b) - Date.parse(a)) / 60_000;
      if (m > minutes) out.push({ from: a, to: b, minutes: Math.round(m) });
    }
  }
  return out;
}

export interface BucketSpan { bucket: number; first_at: string; last_at: string }

/** The old gaps query's cap: past 200 silences the window is mostly silence. */
export const MAX_GAPS = 200;

/**
 * Silences longer than `gapMs` between consecutive events, from each bucket's
 * first and last event instead of every event in order. Exact when buckets
 * are at most `gapMs` wide: two events in one bucket are less than a bucket
 * apart, so every silence longer than `gapMs` runs from one non-empty bucket's
 * last event to the next non-empty bucket's first, with nothing between.
 * The caller passes wider buckets nowhere: it asks for `gapMs`-wide ones then.
 */
export function gapsFromBuckets(buckets: readonly BucketSpan[], gapMs: number): Stretch[] {
  const sorted = [...buckets].sort((a, b) => a.bucket - b.bucket);
  const out: Stretch[] = [];
  for (let i = 1; i < sorted.length && out.length < MAX_GAPS; i++) {
    const prev = sorted[i - 1];
    const next = sorted[i];
    if (prev === undefined || next === undefined) continue;
    if (Date.parse(next.first_at) - Date.parse(prev.last_at) > gapMs) out.push({ from: prev.last_at, to: next.first_at });
  }
  return out;
}

import type { LaneBucket } from "../lib/data/timeline-summary";
import type { Gap } from "../lib/data/timeline";
import styles from "./timeline.module.css";

/**
 * A lane's events over the window as one small SVG: a bar per non-empty
 * bucket, its height on a log scale of the page's busiest bucket, failures
 * and break-glass drawn over it. One <path> per kind instead of an element
 * per bucket: 50 lanes × 120 buckets as elements was 6,000 nodes, as paths
 * it is about 14 bytes a bucket.
 */
const H = 10;

export function barHeight(events: number, max: number): number {
  if (events <= 0) return 0;
  return Math.max(2, Math.round((H * Math.log1p(events)) / Math.log1p(Math.max(1, max))));
}

function bars(list: Array<{ index: number; h: number }>): string {
  return list.map(({ index, h }) => `M${index} ${H - h}h1v${h}h-1z`).join("");
}

export function LaneTrack({ buckets, bucketCount, max, span, title }: { buckets: LaneBucket[]; bucketCount: number; max: number; span: [number, number] | null; title: string }) {
  const ev = bars(buckets.map((b) => ({ index: b.index, h: barHeight(b.events, max) })));
  const fail = bars(buckets.filter((b) => b.failures > 0).map((b) => ({ index: b.index, h: barHeight(b.failures, max) })));
  const bg = bars(buckets.filter((b) => b.breakGlass > 0).map((b) => ({ index: b.index, h: H })));
  return (
    <svg className={styles.track} viewBox={`0 0 ${bucketCount} ${H}`} preserveAspectRatio="none" role="img" aria-label={title}>
      <title>{title}</title>
      {span ? <rect className={styles.span} x={span[0]} y={0} width={Math.max(1, span[1] - span[0] + 1)} height={H} /> : null}
      {ev ? <path className={styles.ev} d={ev} /> : null}
      {bg ? <path className={styles.bg} d={bg} /> : null}
      {fail ? <path className={styles.fail} d={fail} /> : null}
    </svg>
  );
}

/** The window's events per bucket over every lane, with the gaps shaded. */
export function AxisHistogram({ axis, gaps, from, bucketMs }: { axis: number[]; gaps: Gap[]; from: number; bucketMs: number }) {
  const max = Math.max(1, ...axis);
  const ev = bars(axis.map((n, index) => ({ index, h: barHeight(n, max) })).filter((b) => b.h > 0));
  const at = (iso: string) => (Date.parse(iso) - from) / bucketMs;
  return (
    <svg viewBox={`0 0 ${Math.max(1, axis.length)} ${H}`} preserveAspectRatio="none" role="img" aria-label="events per time bucket over every lane">
      {gaps.map((g) => <rect key={g.from} className={styles.gap} x={at(g.from)} y={0} width={Math.max(0.2, at(g.to) - at(g.from))} height={H} />)}
      {ev ? <path className={styles.ev} d={ev} /> : null}
    </svg>
  );
}

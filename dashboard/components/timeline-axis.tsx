import Link from "next/link";
import type { TimelineSummary } from "../lib/data/timeline-summary";
import type { Filters } from "../lib/filters/schema";
import { filtersToParams, hrefWith } from "../lib/filters/url";
import { TimelineBrush } from "./timeline-brush";
import { AxisHistogram } from "./timeline-track";
import styles from "./timeline.module.css";

/**
 * The time axis over the lanes: tick links (each zooms to its interval, so
 * zooming needs no script) above the window's histogram, which a drag
 * brushes into a narrower window once the client script runs.
 */
const TICK_STEPS_MS = [60, 300, 600, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86_400, 7 * 86_400, 30 * 86_400].map((s) => s * 1000);
/** About 8 ticks: each label is ~11 characters, and 8 fit a 1,100 px track with room between them. */
const MAX_TICKS = 8;

export function ticks(fromMs: number, toMs: number): { at: number; step: number }[] {
  const step = TICK_STEPS_MS.find((s) => (toMs - fromMs) / s <= MAX_TICKS) ?? 30 * 86_400_000;
  const out: { at: number; step: number }[] = [];
  for (let at = Math.ceil(fromMs / step) * step; at < toMs; at += step) out.push({ at, step });
  return out;
}

export function tickLabel(at: number, step: number): string {
  const s = new Date(at).toISOString();
  if (step >= 86_400_000) return s.slice(5, 10);
  return s.slice(11, 16) === "00:00" ? `${s.slice(5, 10)} 00:00` : s.slice(11, 16);
}

export function TimelineAxis({ summary, filters }: { summary: TimelineSummary; filters: Filters }) {
  const fromMs = Date.parse(summary.from);
  const toMs = Date.parse(summary.to);
  const span = Math.max(1, toMs - fromMs);
  const zoomHref = (f: number, t: number) => hrefWith("/timeline", { ...filters, range: null, from: new Date(f).toISOString(), to: new Date(Math.min(t, toMs)).toISOString() });
  // The brush keeps every filter but the window (and the page: a new window starts at its first lane).
  const base = filtersToParams({ ...filters, range: null });
  base.delete("from");
  base.delete("to");
  return (
    <div className={`${styles.axis} ${styles.row}`} data-testid="timeline-axis">
      <span className={`${styles.label} ${styles.hint}`}>drag the histogram to zoom</span>
      <div>
        <div className={styles.ticks}>
          {ticks(fromMs, toMs)
            .filter((t) => (t.at - fromMs) / span < 0.94)
            .map((t) => (
              <Link key={t.at} className={styles.tick} style={{ left: `${((t.at - fromMs) / span) * 100}%` }} href={zoomHref(t.at, t.at + t.step)} data-testid="timeline-tick" title="zoom to this interval">
                {tickLabel(t.at, t.step)}
              </Link>
            ))}
        </div>
        <TimelineBrush from={summary.from} to={summary.to} base={base.toString()}>
          <AxisHistogram axis={summary.axis} gaps={summary.gaps} from={fromMs} bucketMs={summary.bucketMs} />
        </TimelineBrush>
      </div>
      <span className={styles.count}>UTC</span>
    </div>
  );
}

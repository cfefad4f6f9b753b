import Link from "next/link";
import { LANES_PER_PAGE, type TimelineSummary } from "../lib/data/timeline-summary";
import { panned, zoomed, type Stretch } from "../lib/data/timeline-window";
import type { Filters } from "../lib/filters/schema";
import { hrefWith } from "../lib/filters/url";
import { TimelineCollapseAll } from "./timeline-collapse-all";
import { fmtNumber, fmtTime } from "./time";
import styles from "./timeline.module.css";

/** Links that move the window (each a permalink: the window is pinned in the URL) and the lane pager. */
export function windowHref(filters: Filters, w: Stretch): string {
  return hrefWith("/timeline", { ...filters, range: null, from: w.from, to: w.to });
}

export function pageHref(filters: Filters, page: number): string {
  return hrefWith("/timeline", filters, page > 1 ? { page: String(page) } : {});
}

export function TimelineControls({ summary, filters }: { summary: TimelineSummary; filters: Filters }) {
  const { from, to } = summary;
  return (
    <div className={styles.toolbar}>
      <span data-testid="timeline-zoom">
        <Link href={windowHref(filters, panned(from, to, -0.5))} data-testid="timeline-earlier">← earlier</Link>{" · "}
        <Link href={windowHref(filters, zoomed(from, to, 0.5))} data-testid="timeline-zoom-in">zoom in</Link>{" · "}
        <Link href={windowHref(filters, zoomed(from, to, 2))} data-testid="timeline-zoom-out">zoom out</Link>{" · "}
        <Link href={windowHref(filters, panned(from, to, 0.5))} data-testid="timeline-later">later →</Link>
      </span>
      <Pager summary={summary} filters={filters} />
      <TimelineCollapseAll />
    </div>
  );
}

export function Pager({ summary, filters }: { summary: TimelineSummary; filters: Filters }) {
  if (summary.pages <= 1) return null;
  const first = (summary.page - 1) * LANES_PER_PAGE + 1;
  const last = Math.min(summary.totalLanes, summary.page * LANES_PER_PAGE);
  return (
    <nav className={styles.pager} aria-label="lane pages">
      {summary.page > 1 ? <Link href={pageHref(filters, summary.page - 1)} data-testid="timeline-prev" rel="prev">‹ previous</Link> : <span className={styles.disabled}>‹ previous</span>}
      <span data-testid="timeline-page">lanes {fmtNumber(first)}–{fmtNumber(last)} of {fmtNumber(summary.totalLanes)} (page {summary.page} of {summary.pages})</span>
      {summary.page < summary.pages ? <Link href={pageHref(filters, summary.page + 1)} data-testid="timeline-next" rel="next">next ›</Link> : <span className={styles.disabled}>next ›</span>}
    </nav>
  );
}

/** When the window holds more than one screen of lanes: say so, and offer the busiest hour. */
export function NarrowPrompt({ summary, filters }: { summary: TimelineSummary; filters: Filters }) {
  if (summary.pages <= 1) return null;
  return (
    <div className="notice warn" role="status" data-testid="timeline-narrow">
      This window holds {fmtNumber(summary.totalLanes)} lanes of {fmtNumber(summary.totalActors)} actors ({fmtNumber(summary.totalEvents)} events), {summary.pages} pages of {LANES_PER_PAGE}.{" "}
      {summary.busiest ? (
        <>
          Narrow it: <Link href={windowHref(filters, summary.busiest)} data-testid="timeline-busiest">the busiest hour, {fmtTime(summary.busiest.from, false)} UTC</Link>, drag across the histogram, or filter by host, service or actor.
        </>
      ) : (
        <>Narrow it by dragging across the histogram, or filter by host, service or actor.</>
      )}
    </div>
  );
}

import type { TimelineSummary } from "../lib/data/timeline-summary";
import type { Filters } from "../lib/filters/schema";
import { Empty } from "./panel";
import { Time, fmtNumber } from "./time";
import { TimelineAxis } from "./timeline-axis";
import { NarrowPrompt, Pager, TimelineControls } from "./timeline-controls";
import { TimelineLanes } from "./timeline-lanes";

/**
 * The postmortem timeline: a lane per session (or actor on a host outside
 * a session), grouped by actor, over a time axis that zooms by link or by
 * drag; 50 lanes a page, each lane's events drawn per time bucket and its
 * first events one click away. The body is the same size at 1M events as
 * at 10M (issue #13 item 5); the full list is the export's job.
 */
export function TimelineView({ summary, filters }: { summary: TimelineSummary; filters: Filters }) {
  const empty = summary.totalLanes === 0 && summary.findings.total === 0;
  return (
    <>
      <p className="sub" data-testid="timeline-summary">
        {fmtNumber(summary.totalEvents)} events in {fmtNumber(summary.totalLanes)} lanes of {fmtNumber(summary.totalActors)} actors
        {summary.findings.total > 0 ? <> · {fmtNumber(summary.findings.total)} findings</> : null} · {summary.gaps.length} gaps over {summary.gapMinutes} min · one bar per {bucketWords(summary.bucketMs)}
      </p>
      <TimelineControls summary={summary} filters={filters} />
      {empty ? (
        <Empty><strong>Nothing in this window.</strong> Widen the window (zoom out) or remove a host, service or actor filter; the timeline shows access, changes, deploys, grants and findings.</Empty>
      ) : (
        <>
          <NarrowPrompt summary={summary} filters={filters} />
          <TimelineAxis summary={summary} filters={filters} />
          <TimelineLanes summary={summary} filters={filters} />
          <div style={{ margin: "0.5rem 0" }}><Pager summary={summary} filters={filters} /></div>
          {summary.gaps.length > 0 ? (
            <details data-testid="gaps">
              <summary>{summary.gaps.length} gaps longer than {summary.gapMinutes} minutes</summary>
              <ul>{summary.gaps.map((g) => <li key={g.from} className="tl-gap"><Time iso={g.from} /> → <Time iso={g.to} /> ({g.minutes} min with no activity)</li>)}</ul>
            </details>
          ) : null}
        </>
      )}
    </>
  );
}

function bucketWords(ms: number): string {
  if (ms < 60_000) return `${ms / 1000} s`;
  if (ms < 3_600_000) return `${ms / 60_000} min`;
  if (ms < 86_400_000) return `${ms / 3_600_000} h`;
  return `${ms / 86_400_000} d`;
}

import Link from "next/link";
import type { TimelineItem } from "../lib/data/timeline";
import type { LaneBucket, TimelineActorGroup, TimelineLane, TimelineSummary } from "../lib/data/timeline-summary";
import { visibleControls } from "../lib/data/visible-text";
import type { Filters } from "../lib/filters/schema";
import { hrefWith } from "../lib/filters/url";
import { SafeText } from "./safe-text";
import { middleCut, shortHost, shortName } from "./timeline-names";
import { LaneTrack } from "./timeline-track";
import { Time, fmtNumber } from "./time";
import styles from "./timeline.module.css";

/**
 * Actor groups (native <details>, open) holding one lane per session; a
 * lane is itself a <details> whose summary row is label | track | count and
 * whose body is the lane's first events. Labels are one line of plain text
 * (control characters shown escaped), cut by CSS with the full name in the
 * title — never a "show all" toggle beside them.
 */
interface Scale { bucketCount: number; bucketMs: number; fromMs: number; max: number }

function laneLabel(lane: TimelineLane): string {
  return `${shortHost(lane.host || "(no host)", 18)} · ${lane.session !== "" ? middleCut(lane.session, 14) : "no session"}`;
}

function spanOf(first: string, last: string, s: Scale): [number, number] {
  const i = (iso: string) => Math.min(s.bucketCount - 1, Math.max(0, Math.floor((Date.parse(iso) - s.fromMs) / s.bucketMs)));
  return [i(first), i(last)];
}

function merged(lanes: TimelineLane[]): LaneBucket[] {
  const by = new Map<number, LaneBucket>();
  for (const l of lanes) for (const b of l.buckets) {
    const m = by.get(b.index) ?? { index: b.index, events: 0, failures: 0, breakGlass: 0 };
    by.set(b.index, { index: b.index, events: m.events + b.events, failures: m.failures + b.failures, breakGlass: m.breakGlass + b.breakGlass });
  }
  return [...by.values()];
}

export function TimelineLanes({ summary, filters }: { summary: TimelineSummary; filters: Filters }) {
  const lanes = summary.groups.flatMap((g) => g.lanes);
  const max = Math.max(1, ...lanes.flatMap((l) => l.buckets.map((b) => b.events)), ...summary.findings.buckets.map((b) => b.events));
  const scale: Scale = { bucketCount: summary.bucketCount, bucketMs: summary.bucketMs, fromMs: Date.parse(summary.from), max };
  return (
    <div data-testid="timeline-lanes">
      {summary.findings.total > 0 && summary.page === 1 ? <FindingsGroup summary={summary} scale={scale} /> : null}
      {summary.groups.map((g) => <ActorGroup key={`${g.actor}\u0000${g.lanes[0]?.key ?? ""}`} group={g} scale={scale} filters={filters} />)}
    </div>
  );
}

function ActorGroup({ group, scale, filters }: { group: TimelineActorGroup; scale: Scale; filters: Filters }) {
  const events = group.lanes.reduce((n, l) => n + l.events, 0);
  const name = visibleControls(group.actor || "(no actor)");
  const shown = shortName(name, group.continued ? 21 : 32);
  const first = group.lanes[0];
  const last = group.lanes[group.lanes.length - 1];
  return (
    <details className={styles.group} open data-timeline-group="" data-testid="timeline-group">
      <summary className={styles.row}>
        <span className={styles.label} title={name} data-testid="timeline-lane-label">{shown}{group.continued ? " (continued)" : ""}</span>
        <LaneTrack buckets={merged(group.lanes)} bucketCount={scale.bucketCount} max={scale.max} span={first && last ? spanOf(first.first, last.last, scale) : null} title={`${name}: ${events} events in ${group.lanes.length} lanes on this page`} />
        <span className={styles.count} title={`${group.lanes.length} lanes, ${events} events`}>{fmtNumber(events)}</span>
      </summary>
      <div className={styles.lanes}>
        {group.lanes.map((l) => <Lane key={l.key} lane={l} scale={scale} filters={filters} />)}
      </div>
    </details>
  );
}

function Lane({ lane, scale, filters }: { lane: TimelineLane; scale: Scale; filters: Filters }) {
  const label = visibleControls(laneLabel(lane));
  const full = visibleControls(`${lane.actor} on ${lane.host || "(no host)"}, ${lane.session !== "" ? `session ${lane.session}` : "outside a session"}`);
  const more = lane.events - lane.items.length;
  const explorer = hrefWith("/events", { ...filters, range: null, actor: [lane.actor], host: lane.host ? [lane.host] : [], q: lane.session });
  return (
    <details className={styles.lane} id={`lane-${encodeURIComponent(lane.key)}`} data-testid="timeline-lane">
      <summary className={styles.row}>
        <span className={styles.label} title={full} data-testid="timeline-lane-label">{label}</span>
        <LaneTrack buckets={lane.buckets} bucketCount={scale.bucketCount} max={scale.max} span={spanOf(lane.first, lane.last, scale)} title={`${full}: ${lane.events} events, ${lane.first} – ${lane.last}`} />
        <span className={styles.count}>{fmtNumber(lane.events)}</span>
      </summary>
      <div className={styles.events}>
        <Items items={lane.items} filters={filters} />
        {more > 0 ? <div className={styles.more}>{fmtNumber(more)} more in this lane: <Link href={explorer}>open them in the explorer</Link> or zoom in.</div> : null}
      </div>
    </details>
  );
}

function FindingsGroup({ summary, scale }: { summary: TimelineSummary; scale: Scale }) {
  const f = summary.findings;
  const span: [number, number] | null = f.buckets.length > 0 ? [f.buckets[0]?.index ?? 0, f.buckets[f.buckets.length - 1]?.index ?? 0] : null;
  return (
    <details className={styles.group} open data-timeline-group="" data-testid="timeline-group">
      <summary className={styles.row}>
        <span className={styles.label} data-testid="timeline-lane-label">Findings</span>
        <LaneTrack buckets={f.buckets} bucketCount={scale.bucketCount} max={scale.max} span={span} title={`${f.total} findings`} />
        <span className={styles.count}>{fmtNumber(f.total)}</span>
      </summary>
      <div className={styles.events}>
        <Items items={f.items} filters={null} />
        {f.total > f.items.length ? <div className={styles.more}>{fmtNumber(f.total - f.items.length)} more: <Link href="/findings">open the findings queue</Link>.</div> : null}
      </div>
    </details>
  );
}

function Items({ items, filters }: { items: TimelineItem[]; filters: Filters | null }) {
  return (
    <table>
      <tbody>
        {items.map((i) => (
          <tr key={i.id}>
            <td><Time iso={i.at} /></td>
            <td>{i.type}</td>
            <td>{i.kind === "finding" ? <SafeText text={i.host} max={60} /> : i.channel}{i.breakGlass ? <> <span className="bg-flag">BREAK-GLASS</span></> : null}</td>
            <td className={i.outcome === "failure" ? "outcome-failure" : undefined}>{i.outcome}</td>
            <td className={styles.what}><SafeText text={i.what} max={160} totalChars={i.whatChars} /></td>
            <td>{filters && i.kind === "event" ? <Link href={hrefWith("/events", filters, { event: i.id })}>detail</Link> : null}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

import Link from "next/link";
import type { Timeline, TimelineGroup } from "../lib/data/timeline";
import type { Filters } from "../lib/filters/schema";
import { hrefWith } from "../lib/filters/url";
import { Empty } from "./panel";
import { SafeText } from "./safe-text";
import { Time, fmtNumber } from "./time";

/** Percent position of a moment inside the window, for the lanes. */
function pos(at: string, from: number, span: number): number {
  return Math.min(100, Math.max(0, ((Date.parse(at) - from) / span) * 100));
}

/**
 * The timeline: first a lane per session (its span on the window; spans
 * that overlap another session on the same host are marked), then gaps,
 * then every item in order, grouped by session.
 */
export function TimelineView({ timeline, filters }: { timeline: Timeline; filters: Filters }) {
  if (timeline.items.length === 0) {
    return <Empty><strong>Nothing in this window.</strong> Widen the window or remove a host, service or actor filter; the timeline shows access, changes, deploys, grants and findings.</Empty>;
  }
  const from = Date.parse(filters.from);
  const span = Math.max(1, Date.parse(filters.to) - from);
  const byKey = new Map(timeline.groups.map((g) => [g.key, g]));
  return (
    <>
      <p className="sub" data-testid="timeline-summary">
        {fmtNumber(timeline.items.length)} items in {fmtNumber(timeline.groups.length)} groups · {timeline.gaps.length} gaps over {timeline.gapMinutes} min ·{" "}
        {timeline.groups.filter((g) => g.overlaps.length > 0).length} overlapping sessions
      </p>
      {timeline.truncated ? <div className="notice warn" role="alert">More events than one timeline shows (the first {fmtNumber(timeline.items.length)} are here). Narrow the window or filter by host, service or actor.</div> : null}
      <div className="lanes" aria-label="sessions on the window">
        {timeline.groups.slice(0, 60).map((g) => (
          <div className="lane" key={g.key}>
            <a href={`#g-${encodeURIComponent(g.key)}`} className="mono" style={{ overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" }}>
              <SafeText text={g.key === "findings" ? "findings" : `${g.actor} @ ${g.host}`} max={40} />
            </a>
            <div className="track">
              {timeline.gaps.map((gap) => (
                <div key={gap.from} style={{ position: "absolute", top: 0, bottom: 0, left: `${pos(gap.from, from, span)}%`, width: `${pos(gap.to, from, span) - pos(gap.from, from, span)}%`, background: "repeating-linear-gradient(45deg, transparent 0 3px, #8883 3px 6px)" }} />
              ))}
              <div className={g.overlaps.length > 0 ? "bar overlap" : "bar"} style={{ left: `${pos(g.start, from, span)}%`, width: `${pos(g.end, from, span) - pos(g.start, from, span)}%` }} title={`${g.start} – ${g.end}`} />
            </div>
          </div>
        ))}
        {timeline.groups.length > 60 ? <p className="muted">{timeline.groups.length - 60} more groups below.</p> : null}
      </div>
      {timeline.gaps.length > 0 ? (
        <details data-testid="gaps">
          <summary>{timeline.gaps.length} gaps longer than {timeline.gapMinutes} minutes</summary>
          <ul>{timeline.gaps.map((g) => <li key={g.from} className="tl-gap"><Time iso={g.from} /> → <Time iso={g.to} /> ({g.minutes} min with no activity)</li>)}</ul>
        </details>
      ) : null}
      {timeline.groups.map((g) => <Group key={g.key} group={g} byKey={byKey} filters={filters} />)}
    </>
  );
}

function Group({ group, byKey, filters }: { group: TimelineGroup; byKey: Map<string, TimelineGroup>; filters: Filters }) {
  return (
    <section className={group.overlaps.length > 0 ? "tl-group overlap" : "tl-group"} id={`g-${encodeURIComponent(group.key)}`} data-testid="timeline-group">
      <header>
        <strong><SafeText text={group.label} max={80} /></strong>
        {group.key !== "findings" ? <Link href={hrefWith(`/actors/${encodeURIComponent(group.actor)}`, filters)}><SafeText text={group.actor} max={60} /></Link> : null}
        {group.host ? <Link href={hrefWith(`/hosts/${encodeURIComponent(group.host)}`, filters)}><SafeText text={group.host} max={60} /></Link> : null}
        <span className="muted"><Time iso={group.start} /> – <Time iso={group.end} /> · {group.items.length} items</span>
        {group.overlaps.length > 0 ? (
          <span className="notice warn" style={{ margin: 0, padding: "0 0.4rem" }}>
            overlaps {group.overlaps.map((k) => <a key={k} href={`#g-${encodeURIComponent(k)}`}><SafeText text={byKey.get(k)?.actor ?? k} max={40} /> </a>)} on this host
          </span>
        ) : null}
      </header>
      <div className="scroll">
        <table>
          <tbody>
            {group.items.map((i) => (
              <tr key={i.id}>
                <td><Time iso={i.at} /></td>
                <td>{i.type}</td>
                {group.key === "findings" ? <td>{i.host}</td> : null}
                <td>{i.channel}{i.breakGlass ? <> <span className="bg-flag">BREAK-GLASS</span></> : null}</td>
                <td className={i.outcome === "failure" ? "outcome-failure" : undefined}>{i.outcome}</td>
                <td className="what"><SafeText text={i.what} max={200} totalChars={i.whatChars} /></td>
                <td>{i.kind === "event" ? <Link href={hrefWith("/events", filters, { event: i.id })}>detail</Link> : null}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

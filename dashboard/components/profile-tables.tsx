import Link from "next/link";
import type { Filters } from "../lib/filters/schema";
import { hrefWith } from "../lib/filters/url";
import { Empty } from "./panel";
import { SafeText } from "./safe-text";
import { Time, fmtNumber } from "./time";

interface Summary { events: number; sessions: number; hosts: number; actors: number; changes: number; failures: number; break_glass: number; first_at: string | null; last_at: string | null }

export function ProfileStats({ summary, kind }: { summary: Summary; kind: "actor" | "host" }) {
  const stats: Array<[string, number, boolean?]> = [
    ["events", summary.events],
    ["sessions", summary.sessions],
    kind === "actor" ? ["hosts", summary.hosts] : ["people & services", summary.actors],
    ["changes", summary.changes],
    ["failures", summary.failures, summary.failures > 0],
    ["break-glass", summary.break_glass, summary.break_glass > 0],
  ];
  return (
    <>
      <div className="stats">
        {stats.map(([name, v, alert]) => (
          <div key={name} className={alert ? "stat alert" : "stat"}><div className="value">{fmtNumber(v)}</div><div className="name">{name}</div></div>
        ))}
      </div>
      <p className="sub">first seen {summary.first_at ? <Time iso={summary.first_at} /> : "–"} · last seen {summary.last_at ? <Time iso={summary.last_at} /> : "–"} (in this window)</p>
    </>
  );
}

/** Rows shown before the fold; the profile queries return at most BREAKDOWN_LIMIT (lib/queries/profiles.ts LIMIT 50). */
const BREAKDOWN_SHOWN = 10;
const BREAKDOWN_LIMIT = 50;

interface BreakdownRow { key: string; events: number; sessions: number; channels: string[]; first_at: string; last_at: string }

export function BreakdownTable({ rows, keyLabel, link, filters }: { rows: BreakdownRow[]; keyLabel: string; link?: "actor" | "host"; filters: Filters }) {
  if (rows.length === 0) return <Empty>Nothing in this window.</Empty>;
  const head = <thead><tr><th>{keyLabel}</th><th className="num">events</th><th className="num">sessions</th>{keyLabel !== "channel" ? <th>channels</th> : null}<th>last</th></tr></thead>;
  const body = (of: BreakdownRow[]) => (
      <tbody>
        {of.map((r) => (
          <tr key={r.key}>
            <td>{link ? <Link href={hrefWith(`/${link}s/${encodeURIComponent(r.key)}`, filters)}><SafeText text={r.key} max={60} /></Link> : <SafeText text={r.key} max={60} />}</td>
            <td className="num">{fmtNumber(r.events)}</td>
            <td className="num">{fmtNumber(r.sessions)}</td>
            {keyLabel !== "channel" ? <td>{r.channels.join(", ")}</td> : null}
            <td><Time iso={r.last_at} seconds={false} /></td>
          </tr>
        ))}
      </tbody>
  );
  // The busiest BREAKDOWN_SHOWN rows stay in view; the rest (the query returns up to 50) fold away, so a panel stays one screen.
  const rest = rows.slice(BREAKDOWN_SHOWN);
  return (
    <>
      <table>{head}{body(rows.slice(0, BREAKDOWN_SHOWN))}</table>
      {rest.length > 0 ? (
        <details>
          <summary>{fmtNumber(rest.length)} more {rows.length >= BREAKDOWN_LIMIT ? `(the busiest ${BREAKDOWN_LIMIT}; narrow the filters or use the explorer for the rest)` : null}</summary>
          <table>{head}{body(rest)}</table>
        </details>
      ) : null}
    </>
  );
}

interface ChangeRow { event_id: string; occurred_at: string; type: string; actor_id: string; channel: string; what: string }

export function HostChangesTable({ rows, filters }: { rows: ChangeRow[]; filters: Filters }) {
  if (rows.length === 0) return <Empty>No changes on this host in this window.</Empty>;
  return (
    <div className="scroll">
      <table>
        <thead><tr><th>time (UTC)</th><th>type</th><th>actor</th><th>channel</th><th>what</th></tr></thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.event_id}>
              <td><Link href={hrefWith("/events", filters, { event: r.event_id })}><Time iso={r.occurred_at} /></Link></td>
              <td>{r.type}</td>
              <td><SafeText text={r.actor_id} max={48} /></td>
              <td>{r.channel}</td>
              <td className="what"><SafeText text={r.what} max={200} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

import Link from "next/link";
import type { Filters } from "../lib/filters/schema";
import { hrefWith } from "../lib/filters/url";
import type { EventListRow } from "../lib/queries/events";
import { Empty } from "./panel";
import { SafeText } from "./safe-text";
import { Time } from "./time";

/**
 * The explorer's table. Server-rendered; every value is text through
 * SafeText. Rows carry data-row/data-href for the j/k/Enter keys.
 */
export function EventsTable({ rows, rowHref, selected, filters, compact }: { rows: EventListRow[]; rowHref: (id: string) => string; selected?: string; filters: Filters; compact?: boolean }) {
  if (rows.length === 0) {
    return (
      <Empty>
        <strong>No events match.</strong> Widen the time range (try <Link href={hrefWith("/events", { ...filters, range: "30d" })}>30 days</Link>), remove a filter, or check the spelling of the search.
      </Empty>
    );
  }
  return (
    <div className="scroll">
      <table data-testid={compact ? "events-table-compact" : "events-table"}>
        <thead>
          <tr>
            <th>time (UTC)</th><th>type</th><th>actor</th>{compact ? null : <th>as</th>}<th>channel</th>{compact ? null : <th>env</th>}<th>host</th><th>outcome</th><th>what</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.event_id} data-row={compact ? undefined : true} data-href={compact ? undefined : rowHref(r.event_id)} data-event-id={r.event_id} aria-selected={selected === r.event_id ? "true" : "false"}>
              <td><Link href={rowHref(r.event_id)} scroll={false}><Time iso={r.occurred_at} /></Link></td>
              <td>{r.type}</td>
              <td><SafeText text={r.actor_id} max={48} /></td>
              {compact ? null : <td className="muted"><SafeText text={r.effective_user} max={24} /></td>}
              <td>{r.channel}{r.break_glass ? <> <span className="bg-flag">BREAK-GLASS</span></> : null}</td>
              {compact ? null : <td>{r.env}</td>}
              <td><SafeText text={r.host} max={40} /></td>
              <td className={r.outcome === "failure" ? "outcome-failure" : undefined}>{r.outcome}</td>
              <td className="what"><SafeText text={r.summary} max={compact ? 120 : 300} totalChars={r.summary_chars} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

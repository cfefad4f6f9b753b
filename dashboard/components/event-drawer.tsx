import Link from "next/link";
import type { Viewer } from "../lib/auth/permissions";
import { getEventDetail } from "../lib/data/events";
import type { Filters } from "../lib/filters/schema";
import { hrefWith } from "../lib/filters/url";
import type { Store } from "../../store/open";
import { EventsTable } from "./events-table";
import { Load } from "./load";
import { SafeText } from "./safe-text";

/** Fields shown first, in this order; every other field of the event follows, alphabetically. Raw goes last, on its own. */
const FIRST = ["event_id", "occurred_at", "received_at", "type", "actor_id", "actor_kind", "effective_user", "impersonator", "attribution_method", "attribution_confidence", "channel", "session_id", "env", "host", "service", "outcome", "command", "path"];

function display(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value, null, 1);
}

/**
 * The detail drawer (?event=<id>): every field of the event, the raw line
 * as text (a <pre> of a string — never parsed as HTML), the session it
 * belongs to and what else happened on the host around it.
 */
export async function EventDrawer({ viewer, store, eventId, closeHref, filters }: { viewer: Viewer; store: Store; eventId: string; closeHref: string; filters: Filters }) {
  return (
    <aside className="drawer" aria-label="event detail" data-testid="drawer">
      <Link href={closeHref} scroll={false} data-close style={{ float: "right" }} aria-label="close">
        close <kbd>Esc</kbd>
      </Link>
      <Load name="event_detail" load={() => getEventDetail(viewer, store, eventId)}>
        {(detail) => {
          if (!detail) return <div className="notice empty">No event with id <code><SafeText text={eventId} max={80} /></code>. It may be outside this store, or the link is mistyped.</div>;
          const record = detail.fields;
          const raw = typeof record.raw === "string" ? record.raw : "";
          const keys = [...FIRST.filter((k) => k in record), ...Object.keys(record).filter((k) => !FIRST.includes(k) && k !== "raw").sort()];
          const rowHref = (id: string) => hrefWith("/events", filters, { event: id });
          return (
            <>
              <h2>{detail.event.type} <span className="muted">by</span> <SafeText text={detail.event.actor_id} max={80} /></h2>
              <p className="sub">
                <Link href={hrefWith(`/actors/${encodeURIComponent(detail.event.actor_id)}`, filters)}>actor profile</Link>
                {detail.event.host ? <> · <Link href={hrefWith(`/hosts/${encodeURIComponent(detail.event.host)}`, filters)}>host profile</Link></> : null}
                {" · "}
                <Link href={hrefWith("/timeline", { ...filters, range: null, from: new Date(Date.parse(detail.event.occurred_at) - 3_600_000).toISOString(), to: new Date(Date.parse(detail.event.occurred_at) + 3_600_000).toISOString(), host: detail.event.host ? [detail.event.host] : [] })}>timeline ±1 h on this host</Link>
              </p>
              {detail.contractIssues.length > 0 ? (
                <div className="notice warn" role="note">
                  This stored row is not a valid v1 event (written by another writer or an older schema); shown as stored. <SafeText text={detail.contractIssues.join("; ")} max={300} />
                </div>
              ) : null}
              <dl data-testid="event-fields">
                {keys.map((k) => (
                  <div key={k} style={{ display: "contents" }}>
                    <dt>{k}</dt>
                    <dd data-field={k}><SafeText text={display(record[k])} max={400} keepNewlines /></dd>
                  </div>
                ))}
              </dl>
              <h3>Raw line</h3>
              {raw === "" ? <p className="muted">The collector sent no raw line for this event.</p> : <pre className="raw" data-testid="raw"><SafeText text={raw} max={8000} keepNewlines /></pre>}
              <h3>Session {detail.event.session_id ? <code><SafeText text={detail.event.session_id} max={60} /></code> : null}</h3>
              {detail.session.length === 0 ? <p className="muted">Not part of a session.</p> : <EventsTable rows={detail.session} rowHref={rowHref} selected={eventId} filters={filters} compact />}
              {detail.session.length >= 200 ? <p className="muted">First 200 events of the session; the timeline shows all.</p> : null}
              <h3>Around it on {detail.event.host ? <SafeText text={detail.event.host} max={60} /> : "the host"} (±10 min)</h3>
              {detail.around.length === 0 ? <p className="muted">Nothing else.</p> : <EventsTable rows={detail.around} rowHref={rowHref} selected={eventId} filters={filters} compact />}
            </>
          );
        }}
      </Load>
    </aside>
  );
}

import Link from "next/link";
import { Suspense } from "react";
import { EventDrawer } from "../../components/event-drawer";
import { EventsTable } from "../../components/events-table";
import { FilterBar } from "../../components/filter-bar";
import { FilterIssues } from "../../components/filter-issues";
import { Load } from "../../components/load";
import { PageHead } from "../../components/page-head";
import { Skeleton } from "../../components/panel";
import { fmtNumber } from "../../components/time";
import { can } from "../../lib/auth/permissions";
import { countEvents, decodeCursor, encodeCursor, listEvents, type Cursor } from "../../lib/data/events";
import { single } from "../../lib/filters/parse";
import { hrefWith } from "../../lib/filters/url";
import { pageContext, type SearchParams } from "../_shared/context";

export const dynamic = "force-dynamic";
export const metadata = { title: "Access explorer" };

export default async function EventsPage({ searchParams }: { searchParams: SearchParams }) {
  const ctx = await pageContext("/events", searchParams);
  if (!ctx.ok) return ctx.error;
  const { viewer, store, filters, issues, raw } = ctx;
  const cursorParam = single(raw, "cursor") ?? "";
  const eventId = single(raw, "event") ?? "";
  let cursor: Cursor | null = null;
  let cursorError: string | null = null;
  if (cursorParam !== "") {
    try {
      cursor = decodeCursor(cursorParam);
    } catch (error) {
      cursorError = error instanceof Error ? error.message : String(error);
    }
  }
  const here = (extra: Record<string, string | undefined>) => hrefWith("/events", filters, { cursor: cursorParam || undefined, ...extra });
  const exportHref = (format: string) => hrefWith("/api/v1/export", filters, { format });
  return (
    <>
      <PageHead title="Access explorer" filters={filters}>
        {" · "}
        <Suspense fallback={<span className="muted">counting…</span>}>
          <Load name="count" load={() => countEvents(viewer, store, filters)}>
            {(n) => <span data-testid="match-count">{fmtNumber(n)} events match</span>}
          </Load>
        </Suspense>
        {can(viewer, "events:export") ? (
          <>
            {" · export "}
            <a href={exportHref("csv")} download data-testid="export-csv">CSV</a> / <a href={exportHref("json")} download data-testid="export-json">JSON</a>
          </>
        ) : null}
        <span className="muted"> · <kbd>j</kbd>/<kbd>k</kbd> move, <kbd>Enter</kbd> open, <kbd>Esc</kbd> close, <kbd>/</kbd> search</span>
      </PageHead>
      <Suspense fallback={<div className="filterbar" style={{ height: 46 }} />}>
        <FilterBar />
      </Suspense>
      <FilterIssues issues={issues} />
      {cursorError ? <div className="notice warn" role="alert">{cursorError}. <Link href={hrefWith("/events", filters)}>First page</Link></div> : null}
      <Suspense key={`${cursorParam}`} fallback={<Skeleton rows={20} />}>
        <Load name="events_page" load={() => listEvents(viewer, store, filters, { after: cursor })}>
          {(page) => (
            <>
              <EventsTable rows={page.rows} rowHref={(id) => here({ event: id })} selected={eventId} filters={filters} />
              <nav className="pager" aria-label="pages">
                {cursor ? <Link href={hrefWith("/events", filters)} data-testid="first-page">← newest</Link> : null}
                {page.next ? <Link href={hrefWith("/events", filters, { cursor: encodeCursor(page.next) })} data-testid="next-page">older →</Link> : <span className="muted">end of results</span>}
              </nav>
            </>
          )}
        </Load>
      </Suspense>
      {eventId !== "" ? (
        <Suspense fallback={<aside className="drawer"><Skeleton rows={14} /></aside>}>
          <EventDrawer viewer={viewer} store={store} eventId={eventId} closeHref={here({})} filters={filters} />
        </Suspense>
      ) : null}
    </>
  );
}

import Link from "next/link";
import { Suspense } from "react";
import { FilterBar } from "../../components/filter-bar";
import { FilterIssues } from "../../components/filter-issues";
import { Load } from "../../components/load";
import { PageHead } from "../../components/page-head";
import { TimelineView } from "../../components/timeline-view";
import { buildTimelineSummary } from "../../lib/data/timeline-summary";
import { single } from "../../lib/filters/parse";
import { hrefWith } from "../../lib/filters/url";
import { pageContext, type SearchParams } from "../_shared/context";

export const dynamic = "force-dynamic";
export const metadata = { title: "Postmortem timeline" };

export default async function TimelinePage({ searchParams }: { searchParams: SearchParams }) {
  const ctx = await pageContext("/timeline", searchParams);
  if (!ctx.ok) return ctx.error;
  const { viewer, store, filters, issues, raw } = ctx;
  // Lanes are paged 50 at a time (?page=N, 1-based); anything but a whole number reads as the first page.
  const page = Math.max(1, Math.min(1_000_000, Number.parseInt(single(raw, "page") ?? "1", 10) || 1));
  // The permalink pins the window: "last 24 hours" in a postmortem doc must still mean the incident's hours next month.
  const pinned = { ...filters, range: null };
  const exportHref = (format: string) => hrefWith("/timeline/export", pinned, { format });
  return (
    <>
      <PageHead title="Postmortem timeline" filters={filters}>
        {" · "}
        <Link href={hrefWith("/timeline", pinned, page > 1 ? { page: String(page) } : {})} data-testid="permalink">permalink</Link>
        {" · export "}
        <a href={exportHref("md")} download data-testid="export-md">Markdown</a> / <a href={exportHref("csv")} download data-testid="export-timeline-csv">CSV</a> /{" "}
        <a href={exportHref("json")} download data-testid="export-timeline-json">JSON</a>
      </PageHead>
      <Suspense fallback={<div className="filterbar" style={{ height: 46 }} />}>
        <FilterBar fields={["env", "service", "host", "actor", "channel", "type"]} />
      </Suspense>
      <FilterIssues issues={issues} />
      {/* No Suspense here: a streamed boundary is revealed by an inline script, so without script the lanes would stay hidden.
          The summary is bounded (one page of lanes), so waiting for it costs the first byte little. */}
      <Load name="timeline" load={() => buildTimelineSummary(viewer, store, filters, { page })}>
        {(summary) => <TimelineView summary={summary} filters={filters} />}
      </Load>
    </>
  );
}

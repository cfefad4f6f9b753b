import Link from "next/link";
import { Suspense } from "react";
import { FilterBar } from "../../components/filter-bar";
import { FilterIssues } from "../../components/filter-issues";
import { Load } from "../../components/load";
import { PageHead } from "../../components/page-head";
import { Skeleton } from "../../components/panel";
import { TimelineView } from "../../components/timeline-view";
import { buildTimeline } from "../../lib/data/timeline";
import { hrefWith } from "../../lib/filters/url";
import { pageContext, type SearchParams } from "../_shared/context";

export const dynamic = "force-dynamic";
export const metadata = { title: "Postmortem timeline" };

export default async function TimelinePage({ searchParams }: { searchParams: SearchParams }) {
  const ctx = await pageContext("/timeline", searchParams);
  if (!ctx.ok) return ctx.error;
  const { viewer, store, filters, issues } = ctx;
  // The permalink pins the window: "last 24 hours" in a postmortem doc must still mean the incident's hours next month.
  const pinned = { ...filters, range: null };
  const exportHref = (format: string) => hrefWith("/timeline/export", pinned, { format });
  return (
    <>
      <PageHead title="Postmortem timeline" filters={filters}>
        {" · "}
        <Link href={hrefWith("/timeline", pinned)} data-testid="permalink">permalink</Link>
        {" · export "}
        <a href={exportHref("md")} download data-testid="export-md">Markdown</a> / <a href={exportHref("csv")} download data-testid="export-timeline-csv">CSV</a> /{" "}
        <a href={exportHref("json")} download data-testid="export-timeline-json">JSON</a>
      </PageHead>
      <Suspense fallback={<div className="filterbar" style={{ height: 46 }} />}>
        <FilterBar fields={["env", "service", "host", "actor", "channel", "type"]} />
      </Suspense>
      <FilterIssues issues={issues} />
      <Suspense fallback={<Skeleton rows={16} />}>
        <Load name="timeline" load={() => buildTimeline(viewer, store, filters)}>
          {(timeline) => <TimelineView timeline={timeline} filters={filters} />}
        </Load>
      </Suspense>
    </>
  );
}

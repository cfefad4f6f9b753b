import Link from "next/link";
import { Suspense } from "react";
import { FilterBar } from "../../../components/filter-bar";
import { FilterIssues } from "../../../components/filter-issues";
import { HourHeatmap } from "../../../components/hour-heatmap";
import { Load } from "../../../components/load";
import { PageHead } from "../../../components/page-head";
import { BreakdownTable, ProfileStats } from "../../../components/profile-tables";
import { Empty, Panel, Skeleton } from "../../../components/panel";
import { SafeText } from "../../../components/safe-text";
import { actorProfile, BASELINE_DAYS } from "../../../lib/data/profiles";
import { hrefWith } from "../../../lib/filters/url";
import { pageContext, safeDecode, type SearchParams } from "../../_shared/context";

export const dynamic = "force-dynamic";
export const metadata = { title: "Actor" };

export default async function ActorPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: SearchParams }) {
  const { id } = await params;
  const actor = safeDecode(id);
  const ctx = await pageContext(`/actors/${actor}`, searchParams);
  if (!ctx.ok) return ctx.error;
  const { viewer, store, filters, issues } = ctx;
  return (
    <>
      <PageHead title={<>Actor <SafeText text={actor} max={100} /></>} filters={filters}>
        {" · "}
        <Link href={hrefWith("/events", { ...filters, actor: [actor] })}>their events</Link>
        {" · "}
        <Link href={hrefWith("/timeline", { ...filters, actor: [actor] })}>timeline</Link>
      </PageHead>
      <Suspense fallback={<div className="filterbar" style={{ height: 46 }} />}>
        <FilterBar fields={["env", "service", "host", "channel", "type"]} search={false} />
      </Suspense>
      <FilterIssues issues={issues} />
      <Suspense fallback={<Skeleton rows={10} />}>
        <Load name="actor_profile" load={() => actorProfile(viewer, store, filters, actor)}>
          {(p) =>
            !p.summary || p.summary.events === 0 ? (
              <Empty><strong>No activity by this actor in this window.</strong> Widen the time range; actor ids are exact (e.g. <code>alice@example.com</code>).</Empty>
            ) : (
              <>
                <ProfileStats summary={p.summary} kind="actor" />
                <div className="grid">
                  <Panel title="How: channels" testId="actor-channels"><BreakdownTable rows={p.channels} keyLabel="channel" filters={filters} /></Panel>
                  <Panel title="Where: hosts" testId="actor-hosts"><BreakdownTable rows={p.hosts} keyLabel="host" link="host" filters={filters} /></Panel>
                  <Panel title={<>When: hour of day (UTC), this window vs the {BASELINE_DAYS} days before</>} wide testId="actor-hours">
                    <HourHeatmap hours={p.hours} />
                  </Panel>
                </div>
              </>
            )
          }
        </Load>
      </Suspense>
    </>
  );
}

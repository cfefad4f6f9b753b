import Link from "next/link";
import { Suspense } from "react";
import { FilterBar } from "../../../components/filter-bar";
import { FilterIssues } from "../../../components/filter-issues";
import { Load } from "../../../components/load";
import { PageHead } from "../../../components/page-head";
import { BreakdownTable, HostChangesTable, ProfileStats } from "../../../components/profile-tables";
import { Empty, Panel, Skeleton } from "../../../components/panel";
import { SafeText } from "../../../components/safe-text";
import { hostProfile } from "../../../lib/data/profiles";
import { hrefWith } from "../../../lib/filters/url";
import { pageContext, safeDecode, type SearchParams } from "../../_shared/context";

export const dynamic = "force-dynamic";
export const metadata = { title: "Host" };

export default async function HostPage({ params, searchParams }: { params: Promise<{ name: string }>; searchParams: SearchParams }) {
  const { name } = await params;
  const host = safeDecode(name);
  const ctx = await pageContext(`/hosts/${host}`, searchParams);
  if (!ctx.ok) return ctx.error;
  const { viewer, store, filters, issues } = ctx;
  return (
    <>
      <PageHead title={<>Host <SafeText text={host} max={100} /></>} filters={filters}>
        {" · "}
        <Link href={hrefWith("/events", { ...filters, host: [host] })}>its events</Link>
        {" · "}
        <Link href={hrefWith("/timeline", { ...filters, host: [host] })}>timeline</Link>
      </PageHead>
      <Suspense fallback={<div className="filterbar" style={{ height: 46 }} />}>
        <FilterBar fields={["env", "actor", "channel", "type"]} search={false} />
      </Suspense>
      <FilterIssues issues={issues} />
      <Suspense fallback={<Skeleton rows={10} />}>
        <Load name="host_profile" load={() => hostProfile(viewer, store, filters, host)}>
          {(p) =>
            !p.summary || p.summary.events === 0 ? (
              <Empty><strong>Nobody touched this host in this window.</strong> Widen the time range; host names are exact.</Empty>
            ) : (
              <>
                <ProfileStats summary={p.summary} kind="host" />
                <div className="grid">
                  <Panel title="Who touched it" testId="host-actors"><BreakdownTable rows={p.actors} keyLabel="actor" link="actor" filters={filters} /></Panel>
                  <Panel title="How: channels" testId="host-channels"><BreakdownTable rows={p.channels} keyLabel="channel" filters={filters} /></Panel>
                  <Panel title="Latest changes" wide testId="host-changes"><HostChangesTable rows={p.changes} filters={filters} /></Panel>
                </div>
              </>
            )
          }
        </Load>
      </Suspense>
    </>
  );
}

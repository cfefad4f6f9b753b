import Link from "next/link";
import { Suspense } from "react";
import { FilterBar } from "../../components/filter-bar";
import { FilterIssues } from "../../components/filter-issues";
import { Load } from "../../components/load";
import { PageHead } from "../../components/page-head";
import { Empty, Panel } from "../../components/panel";
import { StackedChart } from "../../components/stacked-chart";
import { PipelineShareTable } from "../../components/pipeline-share";
import { accessTrend, breakGlassTrend, pipelineShare } from "../../lib/data/trends";
import { editToBackportSeries } from "../../lib/data/drift";
import { single } from "../../lib/filters/parse";
import { hrefWith } from "../../lib/filters/url";
import type { TrendDimension, TrendPeriod } from "../../lib/queries/trends";
import { pageContext, type SearchParams } from "../_shared/context";

export const dynamic = "force-dynamic";
export const metadata = { title: "Trends" };

const DIMENSIONS: Array<[TrendDimension, string]> = [["team", "Access and changes by team"], ["channel", "… by channel"], ["env", "… by environment"]];

export default async function TrendsPage({ searchParams }: { searchParams: SearchParams }) {
  const ctx = await pageContext("/trends", searchParams, { defaultRange: "90d" });
  if (!ctx.ok) return ctx.error;
  const { viewer, store, filters, issues, raw } = ctx;
  const period: TrendPeriod = single(raw, "period") === "month" ? "month" : "week";
  const ignored = (["host", "actor"] as const).filter((k) => filters[k].length > 0);
  return (
    <>
      <PageHead title="Trends" filters={filters}>
        {" · per "}
        {(["week", "month"] as const).map((p) => (
          <Link key={p} href={hrefWith("/trends", filters, { period: p })} className="chip" aria-current={p === period ? "true" : undefined} style={{ marginLeft: 4 }}>
            {p}
          </Link>
        ))}
      </PageHead>
      <Suspense fallback={<div className="filterbar" style={{ height: 46 }} />}>
        <FilterBar fields={["env", "service", "team", "channel", "type"]} search={false} defaultRange="90d" />
      </Suspense>
      <FilterIssues issues={issues} />
      {ignored.length > 0 ? (
        <div className="notice warn" role="note">
          Trends come from the daily rollup, which has no host or actor: the {ignored.join(" and ")} filter does not apply here. Profiles and the explorer apply it.
        </div>
      ) : null}
      <div className="grid">
        {DIMENSIONS.map(([dim, title]) => (
          <Panel key={dim} title={`${title}, per ${period}`} testId={`trend-${dim}`}>
            <Load name={`trend_${dim}`} load={() => accessTrend(viewer, store, filters, period, dim)}>
              {(s) => (s.points.length === 0 ? <Empty>No access or change events in this window. Widen the range (trends default to 90 days), or point collectors at this server: see <code>prodtrail collect --help</code>.</Empty> : <StackedChart kind="bar" points={s.points} keys={s.keys} x="period" xFormat="date" label={`events by ${dim} per ${period}`} />)}
            </Load>
          </Panel>
        ))}
        <Panel title={<>Changes through the pipeline vs directly <span className="muted">(the number to push down: direct)</span></>} testId="pipeline-share">
          <Load name="pipeline_share" load={() => pipelineShare(viewer, store, filters, period)}>
            {(rows) =>
              rows.length === 0 ? (
                <Empty>No changes in this window. File, package and Kubernetes changes come from the collector&apos;s <code>files</code>, <code>packages</code> and <code>k8s</code> sources; pipeline changes from <code>prodtrail emit deploy</code> in the deploy job.</Empty>
              ) : (
                <>
                  <StackedChart kind="bar" points={rows.map((r) => ({ period: r.period, pipeline: r.pipeline, direct: r.direct }))} keys={["pipeline", "direct"]} x="period" xFormat="date" label="changes through the pipeline vs directly" />
                  <PipelineShareTable rows={rows} />
                </>
              )
            }
          </Load>
        </Panel>
        <Panel title={`Break-glass uses per ${period}, by team`} testId="break-glass">
          <Load name="break_glass" load={() => breakGlassTrend(viewer, store, filters, period)}>
            {(s) => (s.points.length === 0 ? <Empty>No break-glass use in this window. Break-glass checkouts come from Vault audit logs: list the emergency secrets in <code>collect.sources.vault.break_glass_paths</code>.</Empty> : <StackedChart kind="bar" points={s.points} keys={s.keys} x="period" xFormat="date" label={`break-glass uses per ${period}`} />)}
          </Load>
        </Panel>
        <Panel title={<>Edit-to-backport time <span className="muted">(direct edits whose content a later commit brought)</span></>} testId="backport-lag">
          <Load name="backport_lag" load={() => editToBackportSeries(viewer, store, { from: filters.from, to: filters.to, env: filters.env[0] ?? "" })}>
            {(rows) =>
              rows.length === 0 ? (
                <Empty>No direct edit was backported in this window. This needs <code>drift.mappings</code> in prodtrail.yaml and the repositories indexed (the collector&apos;s <code>git</code> source); see the <Link href="/drift">Direct edits</Link> page.</Empty>
              ) : (
                <div className="scroll" style={{ maxHeight: 260, overflowY: "auto" }}>
                <table>
                  <thead>
                    <tr><th>day</th><th className="num">backports</th><th className="num">median lag (h)</th><th className="num">p90 lag (h)</th></tr>
                  </thead>
                  <tbody>
                    {rows.map((r) => (
                      <tr key={r.day}>
                        <td>{r.day}</td>
                        <td className="num">{r.backports}</td>
                        <td className="num">{r.median_h.toFixed(1)}</td>
                        <td className="num">{r.p90_h.toFixed(1)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                </div>
              )
            }
          </Load>
        </Panel>
      </div>
      <p className="muted">
        Pipeline = channel <code>ci-deploy</code> or <code>config-mgmt</code>; direct = every other channel (ssh, sudo, kubectl, consoles…). Counts are distinct events from the daily rollup, UTC days; a {period} is
        {period === "week" ? " Monday–Sunday" : " a calendar month"}, and the first and last may be partial.
      </p>
    </>
  );
}

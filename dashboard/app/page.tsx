import Link from "next/link";
import { Suspense } from "react";
import { FilterBar } from "../components/filter-bar";
import { FilterIssues } from "../components/filter-issues";
import { Load } from "../components/load";
import { PageHead, windowTitle } from "../components/page-head";
import { Empty, Panel, Skeleton } from "../components/panel";
import { StackedChart } from "../components/stacked-chart";
import { fmtNumber } from "../components/time";
import { OpenSessionsTable, TopActorsTable, TopHostsTable } from "../components/overview-tables";
import { openDirectEditsTile } from "../lib/data/drift";
import { findingCounts } from "../lib/data/findings";
import { accessSeries, envsInWindow, openSessions, OPEN_SESSION_HOURS, overviewSummary, topActors, topHosts } from "../lib/data/overview";
import { can, usableFilters, type Viewer } from "../lib/auth/permissions";
import { LIST_FILTERS, type Filters } from "../lib/filters/schema";
import type { Store } from "../../store/open";
import { pageContext, type SearchParams } from "./_shared/context";

// Live data: never prerendered, never cached between requests.
export const dynamic = "force-dynamic";

export default async function OverviewPage({ searchParams }: { searchParams: SearchParams }) {
  const ctx = await pageContext("/", searchParams);
  if (!ctx.ok) return ctx.error;
  const { viewer, store, filters, issues } = ctx;
  return (
    <>
      <PageHead title={windowTitle(filters)} filters={filters} />
      <Suspense fallback={<div className="filterbar" style={{ height: 46 }} />}>
        {/* A viewer gets no search, actor or host field: the data layer refuses those filters to its role. */}
        <FilterBar fields={usableFilters(viewer, LIST_FILTERS)} search={can(viewer, "events:read")} />
      </Suspense>
      <FilterIssues issues={issues} />
      <Suspense fallback={<Skeleton rows={2} />}>
        <Summary viewer={viewer} store={store} filters={filters} />
      </Suspense>
      <div className="grid">
        <Panel title="Access by channel" wide testId="access-series" rows={8}>
          <Load name="access_series" load={() => accessSeries(viewer, store, filters)}>
            {(s) => (s.channels.length === 0 ? <Empty><strong>No access events in this window.</strong> Logins, sudo, kubectl exec and consoles come from the collector&apos;s <code>collect.sources</code> (<code>auth</code>, <code>auditd</code>, <code>journald</code>, <code>k8s</code>, <code>vault</code>) in prodtrail.yaml; <code>prodtrail collect --help</code> lists them.</Empty> : <StackedChart points={s.points} keys={s.channels} x="t" xFormat="time" label="access events by channel over time" />)}
          </Load>
        </Panel>
        <Panel title="Open direct edits" testId="open-direct-edits">
          <Load name="open_direct_edits" load={() => openDirectEditsTile(viewer, store, filters.env[0] ?? "")}>
            {(tile) => (
              <div className="stats">
                <div className={tile.open > 0 ? "stat alert" : "stat"}>
                  <div className="value">{fmtNumber(tile.open)}</div>
                  <div className="name">
                    <Link href="/drift">direct edits not in the codebase</Link>
                  </div>
                </div>
                <div className="stat">
                  <div className="value">{fmtNumber(tile.unmanaged)}</div>
                  <div className="name">changes on unmapped paths</div>
                </div>
                {tile.unmanaged > 0 && tile.byState.every((r) => r.state === "unmanaged" || r.edits === 0) ? (
                  <p className="sub" data-testid="no-mappings">No path mappings cover these changes: add <code>drift.mappings</code> to prodtrail.yaml to judge them against a repository (README, “Direct edits that never reached the codebase”).</p>
                ) : null}
              </div>
            )}
          </Load>
        </Panel>
        <Panel title="Open findings" testId="open-findings">
          <Load name="open_findings" load={() => findingCounts(viewer, store, 1)}>
            {(c) => (
              <div className="stats">
                <div className={c.open > 0 ? "stat alert" : "stat"}>
                  <div className="value">{fmtNumber(c.open)}</div>
                  <div className="name"><Link href="/findings">open findings (anomalies)</Link></div>
                </div>
                <div className="stat">
                  <div className="value">{fmtNumber(c.bySeverity.filter((x) => x.severity === "critical" || x.severity === "high").reduce((n, x) => n + x.open, 0))}</div>
                  <div className="name">critical or high</div>
                </div>
              </div>
            )}
          </Load>
        </Panel>
        <Panel title="Top actors" testId="top-actors">
          <Load name="top_actors" load={() => topActors(viewer, store, filters)}>
            {(rows) => <TopActorsTable rows={rows} filters={filters} />}
          </Load>
        </Panel>
        <Panel title="Top hosts" testId="top-hosts">
          <Load name="top_hosts" load={() => topHosts(viewer, store, filters)}>
            {(rows) => <TopHostsTable rows={rows} filters={filters} />}
          </Load>
        </Panel>
        <Panel title={<>Right now: open sessions <span className="muted">(login without logout, last {OPEN_SESSION_HOURS} h)</span></>} wide testId="open-sessions">
          <Load name="open_sessions" load={() => openSessions(viewer, store, filters)}>
            {(rows) => <OpenSessionsTable rows={rows} filters={filters} />}
          </Load>
        </Panel>
      </div>
    </>
  );
}

async function Summary({ viewer, store, filters }: { viewer: Viewer; store: Store; filters: Filters }) {
  return (
    <Load name="summary" load={() => Promise.all([overviewSummary(viewer, store, filters), envsInWindow(viewer, store, filters)])}>
      {([s, envs]) => {
        const inView = filters.env.length === 0 ? envs : envs.filter((e) => filters.env.includes(e.env));
        const demo = inView.filter((e) => e.demo);
        const stats: Array<[string, number, string?]> = [
          ["people", s.people],
          ["services", s.services],
          ["sessions", s.sessions],
          ["hosts touched", s.hosts],
          ["break-glass uses", s.break_glass, s.break_glass > 0 ? "alert" : undefined],
          ["failed logins", s.failed_logins, s.failed_logins > 0 ? "alert" : undefined],
        ];
        return (
          <>
            {demo.length > 0 ? (
              <div className="notice demo" role="note" data-testid="demo-notice">
                <strong>Demo data.</strong> Events of env {demo.map((e) => <code key={e.env}>{e.env}</code>)} come from the built-in demo fleet (label <code>demo=true</code>), not from real servers.
                {demo.length < inView.length ? " Filter by env to see real and demo data apart." : null}
              </div>
            ) : null}
            {s.events === 0 ? (
              <Empty>
                <strong>No events in this window{filters.env.length > 0 ? <> for env <code>{filters.env.join(", ")}</code></> : null}.</strong> Widen the time range or clear filters; to get data,
                run <code>prodtrail demo</code> or point a collector at <code>POST /api/v1/events</code> on this server. <Link href="/?range=30d">Last 30 days</Link>
              </Empty>
            ) : null}
            <div className="stats">
              <div className="stat">
                <div className="value" data-testid="total">{fmtNumber(s.events)}</div>
                <div className="name">events</div>
              </div>
              {stats.map(([name, value, cls]) => (
                <div key={name} className={cls ? `stat ${cls}` : "stat"} data-testid={`stat-${name.replaceAll(" ", "-")}`}>
                  <div className="value">{fmtNumber(value)}</div>
                  <div className="name">{name}</div>
                </div>
              ))}
            </div>
          </>
        );
      }}
    </Load>
  );
}

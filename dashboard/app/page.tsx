import Link from "next/link";
import { CountsChart } from "../components/counts-chart";
import { CountsTable } from "../components/counts-table";
import { envFilterSchema, loadRecentCounts, type RecentCounts } from "../lib/queries/recent-counts";
import { log } from "../lib/log";
import { getStore } from "../lib/store";

// Live data: never prerendered at build time, never cached between requests.
export const dynamic = "force-dynamic";

const HOURS = 24;
const fmt = new Intl.NumberFormat("en-US");

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

function envHref(env: string): string {
  return env === "" ? "/" : `/?env=${encodeURIComponent(env)}`;
}

export default async function OverviewPage({ searchParams }: { searchParams: SearchParams }) {
  const raw = (await searchParams).env;
  const parsedEnv = envFilterSchema.safeParse(typeof raw === "string" ? raw : "");
  if (!parsedEnv.success) {
    return (
      <div className="notice error" role="alert">
        Bad filter <code>env</code>: {parsedEnv.error.issues[0]?.message}. <Link href="/">Show all environments</Link>
      </div>
    );
  }
  const env = parsedEnv.data;
  let counts: RecentCounts;
  try {
    counts = await loadRecentCounts(getStore(), { hours: HOURS, env });
  } catch (error) {
    log.error({ err: error, env }, "overview: reading the store failed");
    return (
      <div className="notice error" role="alert">
        <strong>The store could not be read.</strong> {error instanceof Error ? error.message : String(error)}
        <br />
        Check the server log; <a href="/api/health">/api/health</a> says whether the store is up.
      </div>
    );
  }
  return (
    <>
      <h1>Last 24 hours</h1>
      <p className="sub">
        {new Date(counts.from).toISOString().slice(0, 16).replace("T", " ")} – {new Date(counts.to).toISOString().slice(0, 16).replace("T", " ")} UTC
        {env !== "" ? <> · env <code>{env}</code></> : " · all environments"}
      </p>
      <nav className="filters" aria-label="environment filter">
        <span className="label">env</span>
        <Link className="chip" href={envHref("")} aria-current={env === "" ? "true" : undefined}>
          all
        </Link>
        {counts.envs.map((e) => (
          <Link key={e.env} className="chip" href={envHref(e.env)} aria-current={env === e.env ? "true" : undefined}>
            {e.env} ({fmt.format(e.events)}){e.demo ? " · demo" : ""}
          </Link>
        ))}
      </nav>
      {counts.demo ? (
        <div className="notice demo" role="note" data-testid="demo-notice">
          <strong>Demo data.</strong>{" "}
          {counts.demoEvents >= counts.total ? "All" : `${fmt.format(counts.demoEvents)} of ${fmt.format(counts.total)}`} events in this view
          come from the built-in demo fleet (env <code>demo-*</code>, label <code>demo=true</code>), not from real servers.
          {counts.demoEvents < counts.total ? " Pick an environment above to see real and demo data apart." : null}
        </div>
      ) : null}
      {counts.total === 0 ? <EmptyState env={env} /> : <Counts counts={counts} />}
    </>
  );
}

function Counts({ counts }: { counts: RecentCounts }) {
  return (
    <>
      <div className="total">
        <div className="stat">
          <div className="value" data-testid="total">{fmt.format(counts.total)}</div>
          <div className="name">events</div>
        </div>
        <div className="stat">
          <div className="value">{counts.byCategory.length}</div>
          <div className="name">categories</div>
        </div>
        <div className="stat">
          <div className="value">{counts.byChannel.length}</div>
          <div className="name">channels</div>
        </div>
      </div>
      <div className="grid">
        <section className="panel">
          <h2>By category</h2>
          <CountsChart data={counts.byCategory} label="events by category" />
        </section>
        <section className="panel">
          <h2>By channel</h2>
          <CountsChart data={counts.byChannel} label="events by channel" />
        </section>
      </div>
      <h2>Category × channel</h2>
      <CountsTable counts={counts} />
    </>
  );
}

function EmptyState({ env }: { env: string }) {
  return (
    <div className="notice empty" data-testid="empty">
      <strong>No events in the last 24 hours{env !== "" ? <> for env <code>{env}</code></> : null}.</strong>
      <br />
      Run <code>prodtrail demo</code> (or start with <code>npm start</code>, which runs the demo fleet on an empty store), or point a
      collector at <code>POST /api/v1/events</code> on this server.
      {env !== "" ? (
        <>
          {" "}
          <Link href="/">Show all environments.</Link>
        </>
      ) : null}
    </div>
  );
}

/**
 * The rollup-backed panels (store/migrations/0015, 0016) against an oracle
 * counted from `events FINAL`, with every kind of redelivery planted: a
 * replayed batch (same dedup token), an identical resend through the
 * first-write path, a raw duplicate row, an id twice in one batch. Merges
 * are stopped on `events`, so the planted duplicate rows are really there
 * (shown by a plain count()), and the window starts and ends inside an hour,
 * so the partial hours read from `events` are part of every figure. A second
 * store gets the events BEFORE 0015/0016 exist and is migrated after: the
 * backfill must give the same figures, and running it again must not change them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuditEvent } from "../../../schemas";
import { insertEvents } from "../../../store/events";
import { writeEventsOnce } from "../../../store/first-write";
import { loadMigrations, migrate } from "../../../store/migrate";
import { runCommand } from "../../../store/query";
import { makeEvent } from "../../../test/factories/events";
import { openTestStore, type TestStore } from "../../../test/store";
import type { Filters } from "../filters/schema";
import { countEvents } from "./events";
import { envsInWindow, overviewSummary, topActors, topHosts } from "./overview";
import { accessTrend, breakGlassTrend, pipelineShare } from "./trends";
import { viewerOf } from "./fixtures.test-helpers";

const viewer = viewerOf("viewer");
/** A host filter needs profiles:read: an analyst. */
const analyst = viewerOf("analyst");
/** 09:17 to 09:43 two days later: partial hours at both ends, 48 whole hours between. */
const WINDOW = { from: "2026-03-02T09:17:00.000Z", to: "2026-03-04T09:43:00.000Z" };
const filters = (overrides: Partial<Filters> = {}): Filters => ({ range: null, ...WINDOW, q: "", env: [], service: [], host: [], actor: [], team: [], channel: [], type: [], ...overrides });

/** 60 events spread over the window and 3 h either side, across envs, channels, teams and kinds. */
function fleet(): AuditEvent[] {
  const types = ["access.login", "access.exec", "access.login_failed", "change.file", "deploy.release", "access.grant", "codebase.commit"] as const;
  const start = Date.parse(WINDOW.from) - 3 * 3_600_000;
  const span = Date.parse(WINDOW.to) + 3 * 3_600_000 - start;
  return Array.from({ length: 60 }, (_, i) => {
    const type = types[i % types.length] ?? "access.login";
    return makeEvent({
      type,
      occurred_at: new Date(start + Math.floor((span * i) / 59)).toISOString(),
      env: i % 3 === 0 ? "staging" : "prod",
      actor_id: `person-${i % 7}@example.com`,
      actor_kind: i % 5 === 0 ? "service" : "human",
      host: `web-${i % 4}`,
      session_id: i % 2 === 0 ? `s-${i % 9}` : "",
      team: ["payments", "infra", ""][i % 3],
      ...(type === "change.file" ? { channel: i % 2 === 0 ? "ci-deploy" : "sudo" } : {}),
      ...(type === "access.grant" ? { team: "infra" } : {}),
    });
  });
}

let fresh: TestStore;
let migratedLater: TestStore;
const base = fleet();
const twice = makeEvent({ occurred_at: "2026-03-03T12:00:00.000Z", env: "prod", actor_id: "twice@example.com", session_id: "s-twice" });
/** Every distinct event either store holds once everything is planted. */
const events = [...base, twice];

/** Stored as three batches, so that one of them can be replayed whole. */
async function storeInBatches(store: TestStore): Promise<void> {
  for (const [from, to] of [[0, 10], [10, 30], [30, 60]] as const) await insertEvents(store, base.slice(from, to));
}

/** Every redelivery the write paths meet, against a store whose `events` does not merge. */
async function plantRedeliveries(store: TestStore): Promise<void> {
  await insertEvents(store, base.slice(10, 30), "2026-03-05T00:00:00.000Z"); // a replayed batch: same hashes, same token
  await writeEventsOnce(store, base.slice(0, 15)); // identical resends through the first-write path
  const [raw] = base.slice(20, 21);
  if (raw) await insertEvents(store, [raw], "2026-03-05T00:00:01.000Z"); // a raw duplicate row (a batch of its own: another token)
  await insertEvents(store, [twice, twice]); // one id twice in one batch
}

beforeAll(async () => {
  fresh = await openTestStore();
  await runCommand(fresh, `SYSTEM STOP MERGES ${fresh.tables.events}`, "test.stop_merges");
  await storeInBatches(fresh);
  await plantRedeliveries(fresh);

  migratedLater = await openTestStore({ migrate: false });
  await migrate(migratedLater, loadMigrations().filter((m) => m.version < 15));
  await runCommand(migratedLater, `SYSTEM STOP MERGES ${migratedLater.tables.events}`, "test.stop_merges");
  await storeInBatches(migratedLater);
  const [early] = base.slice(5, 6);
  if (early) await insertEvents(migratedLater, [early], "2026-03-05T00:00:02.000Z"); // a raw duplicate before the rollups exist
  await migrate(migratedLater);
  await plantRedeliveries(migratedLater); // and after: the views take over from the backfill
}, 180_000);
afterAll(async () => Promise.all([fresh?.drop(), migratedLater?.drop()]));

async function scalar(store: TestStore, sql: string, params: Record<string, unknown> = {}): Promise<number> {
  const result = await store.client.query({ query: sql, query_params: { ...WINDOW, ...params }, format: "JSONEachRow" });
  const [row] = await result.json<{ v: string | number }>();
  return Number(row?.v ?? NaN);
}

const IN_WINDOW = "occurred_at >= parseDateTime64BestEffort({from:String}, 3) AND occurred_at < parseDateTime64BestEffort({to:String}, 3)";
const TOUCH = "category IN ('access', 'change', 'deploy')";

/** The overview summary counted from events FINAL: one row per event, whatever was planted. */
async function summaryOracle(store: TestStore, env = "") {
  const where = `${IN_WINDOW} AND (empty({env:String}) OR env = {env:String})`;
  const f = (expr: string) => scalar(store, `SELECT ${expr} AS v FROM ${store.tables.events} FINAL WHERE ${where}`, { env });
  return {
    events: await f("count()"),
    people: await f(`uniqExactIf(actor_id, actor_kind = 'human' AND ${TOUCH})`),
    services: await f(`uniqExactIf(actor_id, actor_kind != 'human' AND ${TOUCH})`),
    sessions: await f("uniqExactIf(session_id, session_id != '')"),
    hosts: await f(`uniqExactIf(host, host != '' AND ${TOUCH})`),
    break_glass: await f("countIf(break_glass OR channel = 'break-glass')"),
    failed_logins: await f("countIf(type = 'access.login_failed')"),
  };
}

describe.each([
  ["a fresh store (views from the start)", () => fresh],
  ["an existing store migrated to 0015/0016 (backfill, then views)", () => migratedLater],
])("rollup panels on %s equal events FINAL", (_label, storeOf) => {
  it("the planted duplicates are really in events (a plain count() sees them)", async () => {
    const store = storeOf();
    const rows = await scalar(store, `SELECT count() AS v FROM ${store.tables.events}`);
    const distinct = await scalar(store, `SELECT count() AS v FROM ${store.tables.events} FINAL`);
    expect(distinct).toBe(events.length);
    expect(rows).toBeGreaterThan(distinct);
  });

  it("overview summary, all envs and one env", async () => {
    const store = storeOf();
    expect(await overviewSummary(viewer, store, filters())).toEqual(await summaryOracle(store));
    expect(await overviewSummary(viewer, store, filters({ env: ["prod"] }))).toEqual(await summaryOracle(store, "prod"));
  });

  it("top actors and top hosts (ranked by the rollup), all envs and one env, and events per env equal the same panels counted from events FINAL", async () => {
    const store = storeOf();
    const top = async (sql: string, env: string) => {
      const result = await store.client.query({ query: sql, query_params: { ...WINDOW, env }, format: "JSONEachRow" });
      return result.json<Record<string, unknown>>();
    };
    const envWhere = "(empty({env:String}) OR env = {env:String})";
    for (const env of ["", "prod"]) {
      const f = filters(env === "" ? {} : { env: [env] });
      const actors = await top(`SELECT actor_id, toUInt64(count()) AS events FROM ${store.tables.events} FINAL WHERE ${IN_WINDOW} AND ${TOUCH} AND actor_id != '' AND ${envWhere} GROUP BY actor_id ORDER BY events DESC, actor_id LIMIT 3`, env);
      expect((await topActors(viewer, store, f, 3)).map((a) => ({ actor_id: a.actor_id, events: a.events }))).toEqual(actors.map((a) => ({ actor_id: a.actor_id, events: Number(a.events) })));
      const hosts = await top(`SELECT host, toUInt64(count()) AS events, toUInt64(uniqExact(actor_id)) AS actors FROM ${store.tables.events} FINAL WHERE ${IN_WINDOW} AND ${TOUCH} AND host != '' AND ${envWhere} GROUP BY host ORDER BY events DESC, host LIMIT 3`, env);
      expect((await topHosts(viewer, store, f, 3)).map((h) => ({ host: h.host, events: h.events, actors: h.actors }))).toEqual(hosts.map((h) => ({ host: h.host, events: Number(h.events), actors: Number(h.actors) })));
      expect(actors.length).toBe(3);
    }
    const perEnv = await top(`SELECT env, toUInt64(count()) AS events FROM ${store.tables.events} FINAL WHERE ${IN_WINDOW} GROUP BY env ORDER BY events DESC, env`, "");
    expect((await envsInWindow(viewer, store, filters())).map((e) => ({ env: e.env, events: e.events }))).toEqual(perEnv.map((e) => ({ env: e.env, events: Number(e.events) })));
  });

  it("explorer count, unfiltered and by channel, and the raw path for a host filter", async () => {
    const store = storeOf();
    const count = (extra: string, params: Record<string, unknown> = {}) => scalar(store, `SELECT count() AS v FROM ${store.tables.events} FINAL WHERE ${IN_WINDOW} ${extra}`, params);
    expect(await countEvents(viewer, store, filters())).toBe(await count(""));
    expect(await countEvents(viewer, store, filters({ channel: ["sudo"] }))).toBe(await count("AND channel = 'sudo'"));
    expect(await countEvents(analyst, store, filters({ host: ["web-1"] }))).toBe(await count("AND host = 'web-1'"));
  });

  it("trends by team, pipeline share and break-glass per week", async () => {
    const store = storeOf();
    const days = `occurred_at >= toStartOfDay(parseDateTime64BestEffort({from:String}, 3)) AND occurred_at < toStartOfDay(parseDateTime64BestEffort({to:String}, 3)) + INTERVAL 1 DAY`;
    const total = (sql: string) => scalar(store, `SELECT count() AS v FROM ${store.tables.events} FINAL WHERE ${days} AND ${sql}`);
    const byTeam = await accessTrend(viewer, store, filters(), "week", "team");
    const sum = (points: Array<Record<string, string | number>>, keys: string[]) => points.reduce((n, p) => n + keys.reduce((m, k) => m + Number(p[k] ?? 0), 0), 0);
    expect(sum(byTeam.points, byTeam.keys)).toBe(await total("category IN ('access', 'change')"));
    expect(byTeam.points.map((p) => p.infra)).toEqual([await total("category IN ('access', 'change') AND team = 'infra'")]);
    const share = await pipelineShare(viewer, store, filters(), "week");
    expect(share.map((s) => [s.pipeline, s.direct])).toEqual([
      [await total("category = 'change' AND channel IN ('ci-deploy', 'config-mgmt')"), await total("category = 'change' AND channel NOT IN ('ci-deploy', 'config-mgmt')")],
    ]);
    const bg = await breakGlassTrend(viewer, store, filters(), "week");
    expect(sum(bg.points, bg.keys)).toBe(await total("(break_glass OR channel = 'break-glass')"));
  });
});

describe("the backfill is re-runnable", () => {
  it("running 0015 and 0016 again leaves every figure as it was", async () => {
    const before = await overviewSummary(viewer, migratedLater, filters());
    const beforeTrend = await accessTrend(viewer, migratedLater, filters(), "week", "team");
    for (const m of loadMigrations().filter((x) => x.version === 15 || x.version === 16)) {
      for (const statement of m.statements) await runCommand(migratedLater, statement.replaceAll("{{database}}", migratedLater.database), `test.rerun_${m.version}`);
    }
    expect(await overviewSummary(viewer, migratedLater, filters())).toEqual(before);
    expect(await accessTrend(viewer, migratedLater, filters(), "week", "team")).toEqual(beforeTrend);
    expect(before).toEqual(await summaryOracle(migratedLater));
  });
});

import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DriftState } from "../../../drift/states";
import { insertRows } from "../../../store/query";
import { openTestStore, type TestStore } from "../../../test/store";
import { driftGroupsQuery, findingsPageQuery } from "./paging-queries";

/**
 * The Direct edits page's per-state pages and the Anomalies queue's pages,
 * against the real engine: each page bounded, pages disjoint, together
 * every row exactly once, the total counted before the page is cut.
 */
let store: TestStore;
const env = `paging-${randomBytes(3).toString("hex")}`;
const T0 = Date.parse("2026-11-01T00:00:00.000Z");
const chTime = (ms: number) => new Date(ms).toISOString().replace("T", " ").replace("Z", "");
/** Edits per state: more than a page of one, fewer than a page of another, one state empty. */
const EDITS: Array<[DriftState, number]> = [["unreconciled", 23], ["sanctioned", 3], ["backported", 12]];
const edits: Array<{ id: string; state: DriftState; host: string; at: number }> = [];
const SEVERITIES = ["low", "critical", "medium", "high"] as const;

beforeAll(async () => {
  store = await openTestStore();
  let n = 0;
  for (const [state, count] of EDITS) {
    for (let i = 0; i < count; i++, n++) edits.push({ id: `chg-${state}-${i}`, state, host: n % 2 ? "web-01" : "db-01", at: T0 + n * 60_000 });
  }
  await insertRows(store, {
    table: "drift",
    rows: edits.map((e) => ({ change_event_id: e.id, env, host: e.host, path: `/etc/app/${e.id}.conf`, occurred_at: chTime(e.at), state: e.state, flagged: e.state === "unreconciled", evaluated_at: chTime(T0), version: 1 })),
  });
  await insertRows(store, {
    table: "findings",
    rows: Array.from({ length: 120 }, (_, i) => ({
      finding_id: `rule:paging-test:${env}-${i}`, detector: "rule", rule_id: "paging-test", fingerprint: `${env}-${i}`, severity: SEVERITIES[i % 4] ?? "low",
      title: `finding ${i}`, detail: "", env, host: `host-${env}`, service: "", actor_id: i % 3 ? "alice@example.com" : "bob@example.com", source_ip: "",
      occurred_at: new Date(T0 + i * 1000).toISOString(), event_ids: [], tags: [], status: i < 100 ? "open" : "resolved", assignee: "", note: "", suppressed_by: "",
      created_at: new Date(T0).toISOString(), updated_at: new Date(T0).toISOString(), version: 1,
    })),
  });
}, 120_000);
afterAll(async () => store?.drop());

describe("drift edits, one page per state (LIMIT … BY state)", () => {
  const states: DriftState[] = ["unreconciled", "sanctioned", "backported", "lost_hotfix"];
  const page = (offset: number, hosts: string[] = []) => driftGroupsQuery(store, { states, hosts, per_state: 10, offset });

  it("gives each state at most a page, newest first", async () => {
    const rows = (await page(0)).filter((r) => r.env === env);
    const per = (s: DriftState) => rows.filter((r) => r.state === s);
    expect(per("unreconciled")).toHaveLength(10);
    expect(per("sanctioned")).toHaveLength(3);
    expect(per("backported")).toHaveLength(10);
    expect(per("lost_hotfix")).toHaveLength(0);
    const newest = edits.filter((e) => e.state === "unreconciled").sort((a, b) => b.at - a.at).slice(0, 10).map((e) => e.id);
    expect(per("unreconciled").map((r) => r.change_event_id)).toEqual(newest);
  });

  it("pages through every edit of every state exactly once", async () => {
    const seen: string[] = [];
    for (let offset = 0; offset < 40; offset += 10) seen.push(...(await page(offset)).filter((r) => r.env === env).map((r) => r.change_event_id));
    expect(seen).toHaveLength(edits.length);
    expect(new Set(seen)).toEqual(new Set(edits.map((e) => e.id)));
  });

  it("applies the host filter before the page is cut", async () => {
    const rows = (await page(0, ["web-01"])).filter((r) => r.env === env);
    expect(rows.every((r) => r.host === "web-01")).toBe(true);
    expect(rows.filter((r) => r.state === "unreconciled")).toHaveLength(10);
    expect(rows.filter((r) => r.state === "backported")).toHaveLength(6);
  });
});

describe("findings queue pages", () => {
  const base = { statuses: ["open"], severities: [], rules: ["paging-test"], host: `host-${env}`, actor: "" };

  it("counts every match and cuts one page, most severe first", async () => {
    const first = await findingsPageQuery(store, { ...base, limit: 50, offset: 0 });
    expect(first).toHaveLength(50);
    expect(first[0]?.total).toBe(100);
    expect(first.slice(0, 25).every((f) => f.severity === "critical")).toBe(true);
    expect(first[25]?.severity).toBe("high");
  });

  it("pages are disjoint and together hold every open finding", async () => {
    const ids: string[] = [];
    for (let offset = 0; offset < 150; offset += 50) ids.push(...(await findingsPageQuery(store, { ...base, limit: 50, offset })).map((f) => f.finding_id));
    expect(ids).toHaveLength(100);
    expect(new Set(ids).size).toBe(100);
  });

  it("filters before counting", async () => {
    const bob = await findingsPageQuery(store, { ...base, actor: "bob@example.com", limit: 10, offset: 0 });
    expect(bob[0]?.total).toBe(34);
    expect(bob.every((f) => f.actor_id === "bob@example.com")).toBe(true);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deriveEventId, parseEventOrThrow, type AuditEvent } from "../schemas";
import { openTestStore, type TestStore } from "../test/store";
import { backportLagSeries, driftSummary, getDriftEdit, listDrift } from "./queries";
import { DAY, HOUR, Scenario } from "./testing/scenario";

/** The query API the dashboard and CLI read: filters, one edit's evidence trail, the overview tile, the trends series. */
let store: TestStore;
let s: Scenario;
let backported: AuditEvent | undefined;
let lost: AuditEvent | undefined;
let backportCommit = "";
let overwrite: AuditEvent | undefined;
const NGINX = "etc/nginx/";

beforeAll(async () => {
  store = await openTestStore();
  s = await Scenario.create(store, (root) => [
    { hosts: ["web-1"], host_path: `${root("web-1")}/${NGINX}`, repo: "infra", repo_path: "nginx/" },
    { hosts: ["web-2"], host_path: `${root("web-2")}/${NGINX}`, repo: "infra", repo_path: "nginx/" },
  ]);
  const c1 = s.commit({ "nginx/a.conf": "a1\n", "nginx/b.conf": "b1\n" }, s.t0 - DAY);
  await s.index();
  await s.deploy("web-1", c1, { "nginx/a.conf": `${NGINX}a.conf` });
  await s.deploy("web-2", c1, { "nginx/b.conf": `${NGINX}b.conf` });
  const path = s.hostPath("web-1", `${NGINX}a.conf`);
  const who = { schema_version: 1, actor_id: "dana@example.com", actor_kind: "human", attribution_method: "auth-log", attribution_confidence: 1, env: "prod", host: "web-1", outcome: "success", session_id: "sess-d" };
  await s.insert([
    parseEventOrThrow({ ...who, event_id: deriveEventId("q", "login"), type: "access.login", channel: "ssh", occurred_at: new Date(Date.now() - 60_000).toISOString() }),
    parseEventOrThrow({ ...who, event_id: deriveEventId("q", "sudo"), type: "access.privilege", channel: "sudo", command: `sudo vim ${path}`, occurred_at: new Date().toISOString() }),
  ]);
  [backported] = await s.edit("web-1", { [`${NGINX}a.conf`]: "a-hotfix\n" });
  [lost] = await s.edit("web-2", { [`${NGINX}b.conf`]: "b-hotfix\n" });
  // The release that overwrites web-2's hotfix was committed before the deploy; the backport of web-1's edit 10 h later.
  const release = s.commit({ "nginx/b.conf": "b2\n" }, s.t0 - HOUR);
  backportCommit = s.commit({ "nginx/a.conf": "a-hotfix\n" }, s.t0 + 10 * HOUR);
  await s.index();
  [overwrite] = await s.deploy("web-2", release, { "nginx/b.conf": `${NGINX}b.conf` });
  await s.job.runOnce({ now: new Date(s.t0 + DAY) });
}, 120_000);

afterAll(async () => {
  await s.close();
  await store.drop();
});

describe("drift query API", () => {
  it("filters the list by state, host, path and repository", async () => {
    expect((await listDrift(store, { states: ["backported"] })).map((r) => r.change_event_id)).toEqual([backported?.event_id]);
    expect((await listDrift(store, { hosts: ["web-2"], states: ["lost_hotfix"] })).map((r) => r.change_event_id)).toEqual([lost?.event_id]);
    expect(await listDrift(store, { path: "a.conf", hosts: ["web-2"] })).toEqual([]);
    expect((await listDrift(store, { repo: "infra", flagged_only: true })).map((r) => r.state)).toEqual(["lost_hotfix"]);
    expect(await listDrift(store, { repo: "other" })).toEqual([]);
    expect(await listDrift(store, { min_age_s: 3600 })).toEqual([]);
    expect((await listDrift(store, { max_age_s: 3600 })).length).toBe((await listDrift(store)).length);
  });

  it("returns one edit with its evidence trail: the change, the session, the commit, what overwrote it", async () => {
    const one = await getDriftEdit(store, backported?.event_id ?? "");
    expect(one?.edit).toMatchObject({ state: "backported", actor_id: "dana@example.com", session_id: "sess-d", matched_commit: backportCommit });
    const types = one?.trail.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(["change.file", "access.login", "access.privilege", "codebase.commit"]));
    const gone = await getDriftEdit(store, lost?.event_id ?? "");
    expect(gone?.edit.overwritten_by).toBe(overwrite?.event_id);
    expect(gone?.trail.map((e) => e.event_id)).toEqual(expect.arrayContaining([overwrite?.event_id, lost?.event_id]));
    expect(gone?.trail.some((e) => e.type === "deploy.release")).toBe(true);
    expect(await getDriftEdit(store, "no-such-edit")).toBeUndefined();
  });

  it("counts open edits for the overview and the edit-to-backport lag for trends", async () => {
    const summary = await driftSummary(store);
    expect(summary.open).toBe(1);
    expect(summary.byState.find((r) => r.state === "backported")?.edits).toBe(1);
    const series = await backportLagSeries(store, { from: new Date(s.t0 - DAY).toISOString(), to: new Date(s.t0 + 2 * DAY).toISOString() });
    expect(series).toHaveLength(1);
    expect(series[0]?.backports).toBe(1);
    expect(series[0]?.median_lag_s).toBeGreaterThan(9 * 3600);
  });
});

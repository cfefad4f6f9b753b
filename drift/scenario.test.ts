import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { deriveEventId, parseEventOrThrow, type AuditEvent } from "../schemas";
import { defineQuery } from "../store/query";
import { openTestStore, type TestStore } from "../test/store";
import { acceptanceEvent } from "./accept";
import { DriftJob } from "./job";
import { DAY, HOUR, Scenario } from "./testing/scenario";
import { driftConfigSchema } from "../config/drift";
import { createLogger } from "../lib/log";

/**
 * Every drift state from real parts: a git repository made in the test,
 * files written to disk and seen by the files collector, commits indexed by
 * the git indexer, deploy events from the deploy emitter.
 */
const current = defineQuery({
  name: "test.drift_current",
  params: z.object({}),
  row: z.object({
    change_event_id: z.string(), host: z.string(), path: z.string(), op: z.string(), state: z.string(), state_reason: z.string(),
    matched_commit: z.string(), overwritten_by: z.string(), overwrite_deploy_id: z.string(), lag_s: z.coerce.number().nullable(),
    actor_id: z.string(), attribution_method: z.string(), attribution_confidence: z.coerce.number(), session_id: z.string(),
    accepted_by: z.string(), accepted_ticket: z.string(), flagged: z.coerce.boolean(),
  }),
  sql: (t) => `SELECT change_event_id, host, path, op, state, state_reason, matched_commit, overwritten_by, overwrite_deploy_id, lag_s,
    actor_id, attribution_method, attribution_confidence, session_id, accepted_by, accepted_ticket, flagged
    FROM ${t.drift} FINAL ORDER BY occurred_at, change_event_id, path`,
});

let store: TestStore;
let s: Scenario;
const NGINX = "etc/nginx/";
const conf = (n: number) => `worker_processes ${n};\nevents { worker_connections 1024; }\n`;

beforeEach(async () => {
  store = await openTestStore();
  s = await Scenario.create(store, (root) => [
    { hosts: ["web-*"], host_path: `${root("web-1")}/${NGINX}`, repo: "infra", repo_path: "nginx/" },
    { hosts: ["web-*"], host_path: `${root("web-2")}/${NGINX}`, repo: "infra", repo_path: "nginx/" },
  ]);
});
afterEach(async () => {
  await s.close();
  await store.drop();
});

async function stateOf(event: AuditEvent | undefined, path?: string) {
  if (event === undefined) throw new Error("the collector emitted no event for this edit");
  const rows = (await current(store, {})).filter((r) => r.change_event_id === event.event_id && (path === undefined || r.path === path));
  if (rows.length !== 1) throw new Error(`expected one drift row for ${event.event_id}, got ${rows.length}`);
  return rows[0]!;
}

function session(host: string, actor: string, sessionId: string, command: string, at: number): AuditEvent[] {
  const base = { schema_version: 1, actor_id: actor, actor_kind: "human", attribution_method: "auth-log", attribution_confidence: 1, channel: "ssh", env: "prod", host, outcome: "success", session_id: sessionId };
  return [
    parseEventOrThrow({ ...base, event_id: deriveEventId("t", sessionId, "login"), type: "access.login", occurred_at: new Date(at - 60_000).toISOString() }),
    parseEventOrThrow({ ...base, event_id: deriveEventId("t", sessionId, "sudo"), type: "access.privilege", channel: "sudo", effective_user: "root", command, occurred_at: new Date(at).toISOString() }),
  ];
}

describe("drift engine over a real repository, real files and deploys", () => {
  it("sanctions a deploy's writes, leaves a fresh hand edit pending with its person, and keeps unmapped paths apart", async () => {
    const c1 = s.commit({ "nginx/nginx.conf": conf(2) }, s.t0 - DAY);
    await s.index();
    const [deployed] = await s.deploy("web-1", c1, { "nginx/nginx.conf": `${NGINX}nginx.conf` });
    await s.insert(session("web-1", "alice@example.com", "sess-a", `sudo vim ${s.hostPath("web-1", `${NGINX}nginx.conf`)}`, Date.now()));
    const [edit] = await s.edit("web-1", { [`${NGINX}nginx.conf`]: conf(8) });
    const [motd] = await s.edit("web-1", { "etc/motd": "welcome\n" });
    await s.job.runOnce({ now: new Date(s.t0 + HOUR) });

    expect((await stateOf(deployed)).state).toBe("sanctioned");
    const e = await stateOf(edit);
    expect(e).toMatchObject({ state: "pending", flagged: true, actor_id: "alice@example.com", attribution_method: "session-inferred", session_id: "sess-a" });
    expect(e.attribution_confidence).toBeCloseTo(0.8);
    const m = await stateOf(motd);
    expect(m.state).toBe("unmanaged");
    expect(m.state_reason).toMatch(/no drift mapping/);
    expect(m.flagged).toBe(false);
    // Nothing new arrives; only the clock moves past the 72 h grace period.
    await s.job.runOnce({ now: new Date(s.t0 + 73 * HOUR) });
    expect((await stateOf(edit)).state).toBe("unreconciled");
    expect((await s.job.runOnce({ now: new Date(s.t0 + 74 * HOUR) })).written).toBe(0);
  });

  it("turns an unreconciled edit into backported when a commit with the same bytes is indexed days later", async () => {
    const c1 = s.commit({ "nginx/nginx.conf": conf(2) }, s.t0 - DAY);
    await s.index();
    await s.deploy("web-1", c1, { "nginx/nginx.conf": `${NGINX}nginx.conf` });
    const [edit] = await s.edit("web-1", { [`${NGINX}nginx.conf`]: conf(16) });
    await s.job.runOnce({ now: new Date(s.t0 + 4 * DAY) });
    expect((await stateOf(edit)).state).toBe("unreconciled");

    // The repository is fetched late: the backport commit dated 5 days after the edit.
    const backport = s.commit({ "nginx/nginx.conf": conf(16) }, s.t0 + 5 * DAY, "backport prod fix");
    await s.index();
    await s.job.runOnce({ now: new Date(s.t0 + 6 * DAY) });
    const e = await stateOf(edit);
    expect(e.state).toBe("backported");
    expect(e.matched_commit).toBe(backport);
    expect(e.lag_s).toBeGreaterThan(4.9 * 86_400);
    expect(e.state_reason).toMatch(/after the grace period/);
  });

  it("matches the codebase when the content was committed before the edit", async () => {
    const old = s.commit({ "nginx/nginx.conf": conf(4) }, s.t0 - 2 * DAY);
    const c2 = s.commit({ "nginx/nginx.conf": conf(2) }, s.t0 - DAY);
    await s.index();
    await s.deploy("web-1", c2, { "nginx/nginx.conf": `${NGINX}nginx.conf` });
    const [edit] = await s.edit("web-1", { [`${NGINX}nginx.conf`]: conf(4) });
    await s.job.runOnce({ now: new Date(s.t0 + HOUR) });
    expect(await stateOf(edit)).toMatchObject({ state: "matches_codebase", matched_commit: old, flagged: false });
  });

  it("calls a hand fix that the next release overwrote before anyone committed it a lost hotfix, naming the deploy", async () => {
    const c1 = s.commit({ "nginx/nginx.conf": conf(2) }, s.t0 - DAY);
    await s.index();
    await s.deploy("web-1", c1, { "nginx/nginx.conf": `${NGINX}nginx.conf` });
    const [hotfix] = await s.edit("web-1", { [`${NGINX}nginx.conf`]: conf(32) });
    const c2 = s.commit({ "nginx/nginx.conf": conf(3) }, s.t0 - HOUR, "teammate tunes nginx");
    await s.index();
    const [overwrite] = await s.deploy("web-1", c2, { "nginx/nginx.conf": `${NGINX}nginx.conf` });
    await s.job.runOnce({ now: new Date(s.t0 + HOUR) });
    expect((await stateOf(overwrite)).state).toBe("sanctioned");
    expect(await stateOf(hotfix)).toMatchObject({ state: "lost_hotfix", flagged: true, overwritten_by: overwrite?.event_id, overwrite_deploy_id: `d-${c2.slice(0, 8)}-web-1` });
  });

  it("marks an edit reverted when the host puts the previous content back; the restore matches the codebase", async () => {
    const c1 = s.commit({ "nginx/nginx.conf": conf(2) }, s.t0 - DAY);
    await s.index();
    await s.deploy("web-1", c1, { "nginx/nginx.conf": `${NGINX}nginx.conf` });
    const [edit] = await s.edit("web-1", { [`${NGINX}nginx.conf`]: conf(64) });
    const [restore] = await s.edit("web-1", { [`${NGINX}nginx.conf`]: conf(2) });
    await s.job.runOnce({ now: new Date(s.t0 + 5 * DAY) });
    expect(await stateOf(edit)).toMatchObject({ state: "reverted", overwritten_by: restore?.event_id });
    expect((await stateOf(restore)).state).toBe("matches_codebase");
  });

  it("handles a deletion: unreconciled until a commit deletes the path too, then backported", async () => {
    const c1 = s.commit({ "nginx/nginx.conf": conf(2), "nginx/old.conf": "# legacy\n" }, s.t0 - DAY);
    await s.index();
    await s.deploy("web-1", c1, { "nginx/nginx.conf": `${NGINX}nginx.conf`, "nginx/old.conf": `${NGINX}old.conf` });
    const [deletion] = await s.edit("web-1", { [`${NGINX}old.conf`]: null });
    expect(deletion?.type === "change.file" && deletion.op).toBe("delete");
    await s.job.runOnce({ now: new Date(s.t0 + 4 * DAY) });
    expect((await stateOf(deletion)).state).toBe("unreconciled");
    s.commit({ "nginx/old.conf": null }, s.t0 + 4 * DAY + HOUR, "drop legacy config");
    await s.index();
    await s.job.runOnce({ now: new Date(s.t0 + 5 * DAY) });
    expect((await stateOf(deletion)).state).toBe("backported");
  });

  it("handles a rename: the collector's delete + create, and a rename event with old_path, each path judged on its own", async () => {
    const c1 = s.commit({ "nginx/site.conf": "server { listen 80; }\n" }, s.t0 - DAY);
    await s.index();
    await s.deploy("web-1", c1, { "nginx/site.conf": `${NGINX}site.conf` });
    const events = await s.edit("web-1", {}, { [`${NGINX}site.conf`]: `${NGINX}site-renamed.conf` });
    const created = events.find((e) => e.type === "change.file" && e.op === "create");
    const deleted = events.find((e) => e.type === "change.file" && e.op === "delete");
    // A rename as one event (what an auditd-based source reports): content at the new path, the old path gone.
    const renameAt = new Date(Date.now() + 1000).toISOString();
    const rename = parseEventOrThrow({
      event_id: "rename-1", schema_version: 1, type: "change.file", occurred_at: renameAt, actor_id: "unknown", actor_kind: "unknown",
      attribution_method: "none", attribution_confidence: 0, channel: "unknown", env: "prod", host: "web-1", outcome: "success",
      path: s.hostPath("web-1", `${NGINX}b.conf`), old_path: s.hostPath("web-1", `${NGINX}site-renamed.conf`), op: "rename",
      before_hash: created?.type === "change.file" ? created.after_hash : undefined, after_hash: created?.type === "change.file" ? created.after_hash : undefined,
    });
    await s.insert([rename]);
    // The new name lands in the repository later: the rename is backported.
    s.commit({ "nginx/site.conf": null, "nginx/b.conf": "server { listen 80; }\n" }, s.t0 + 2 * HOUR, "rename site.conf");
    await s.index();
    await s.job.runOnce({ now: new Date(s.t0 + 4 * DAY) });
    expect((await stateOf(deleted)).state).toBe("backported");
    expect((await stateOf(created)).state).toBe("reverted");
    expect((await stateOf(rename, s.hostPath("web-1", `${NGINX}b.conf`))).state).toBe("backported");
    const source = await stateOf(rename, s.hostPath("web-1", `${NGINX}site-renamed.conf`));
    expect(source.state).toBe("unreconciled");
    expect(source.state_reason).toMatch(/rename/);
  });

  it("compares binary files by their git blob hash", async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0xff, 0x01]);
    const c1 = s.commit({ "nginx/logo.png": png }, s.t0 - DAY);
    await s.index();
    const [deployed] = await s.deploy("web-1", c1, { "nginx/logo.png": `${NGINX}logo.png` });
    const patched = Buffer.concat([png, Buffer.from([0x00, 0x02])]);
    const [edit] = await s.edit("web-1", { [`${NGINX}logo.png`]: patched });
    s.commit({ "nginx/logo.png": patched }, s.t0 + 2 * HOUR);
    await s.index();
    await s.job.runOnce({ now: new Date(s.t0 + 3 * HOUR) });
    expect((await stateOf(deployed)).state).toBe("sanctioned");
    expect((await stateOf(edit)).state).toBe("backported");
  });

  it("keeps two edits of one file between deploys apart: the first superseded and flagged, the second lost to the release", async () => {
    const c1 = s.commit({ "nginx/nginx.conf": conf(2) }, s.t0 - DAY);
    await s.index();
    await s.deploy("web-1", c1, { "nginx/nginx.conf": `${NGINX}nginx.conf` });
    const [first] = await s.edit("web-1", { [`${NGINX}nginx.conf`]: conf(5) });
    const [second] = await s.edit("web-1", { [`${NGINX}nginx.conf`]: conf(6) });
    const c2 = s.commit({ "nginx/nginx.conf": conf(7) }, s.t0 - HOUR);
    await s.index();
    await s.deploy("web-1", c2, { "nginx/nginx.conf": `${NGINX}nginx.conf` });
    await s.job.runOnce({ now: new Date(s.t0 + 4 * DAY) });
    const a = await stateOf(first);
    expect(a).toMatchObject({ state: "unreconciled", flagged: true, overwritten_by: second?.event_id });
    expect(a.state_reason).toMatch(/later hand change/);
    expect((await stateOf(second)).state).toBe("lost_hotfix");
  });

  it("judges two hosts mapped to the same repository path on their own content", async () => {
    const c1 = s.commit({ "nginx/nginx.conf": conf(2) }, s.t0 - DAY);
    await s.index();
    await s.deploy("web-1", c1, { "nginx/nginx.conf": `${NGINX}nginx.conf` });
    await s.deploy("web-2", c1, { "nginx/nginx.conf": `${NGINX}nginx.conf` });
    const [one] = await s.edit("web-1", { [`${NGINX}nginx.conf`]: conf(10) });
    const [two] = await s.edit("web-2", { [`${NGINX}nginx.conf`]: conf(11) });
    s.commit({ "nginx/nginx.conf": conf(10) }, s.t0 + HOUR);
    await s.index();
    await s.job.runOnce({ now: new Date(s.t0 + 4 * DAY) });
    expect((await stateOf(one)).state).toBe("backported");
    expect((await stateOf(two)).state).toBe("unreconciled");
  });

  it("applies an acceptance (ticket + note, by whom) from an audited event, and re-runs write nothing new", async () => {
    const c1 = s.commit({ "nginx/nginx.conf": conf(2) }, s.t0 - DAY);
    await s.index();
    await s.deploy("web-1", c1, { "nginx/nginx.conf": `${NGINX}nginx.conf` });
    const [edit] = await s.edit("web-1", { [`${NGINX}nginx.conf`]: conf(12) });
    await s.job.runOnce({ now: new Date(s.t0 + 4 * DAY) });
    expect((await stateOf(edit)).state).toBe("unreconciled");
    await s.insert([acceptanceEvent({ changeEventId: edit!.event_id, ticket: "OPS-7", note: "kept until the vendor fix", actorId: "bob@example.com", attributionMethod: "dashboard-session", channel: "dashboard", host: "web-1", env: "prod" })]);
    await s.job.runOnce({ now: new Date(s.t0 + 4 * DAY) });
    expect(await stateOf(edit)).toMatchObject({ state: "accepted", accepted_by: "bob@example.com", accepted_ticket: "OPS-7", flagged: true });
    // Idempotent: nothing changed, nothing written — also from a second worker's job.
    expect((await s.job.runOnce({ now: new Date(s.t0 + 4 * DAY), full: true })).written).toBe(0);
    const other = new DriftJob(store, driftConfigSchema.parse({ mappings: s.mappings }), createLogger("t", "silent"));
    expect((await other.runOnce({ now: new Date(s.t0 + 4 * DAY) })).written).toBe(0);
  });

  it("waits for a deploy's commit to be indexed, then sanctions the deploy's write (late repository fetch)", async () => {
    const c1 = s.commit({ "nginx/nginx.conf": conf(2) }, s.t0 - DAY);
    const [write] = await s.deploy("web-1", c1, { "nginx/nginx.conf": `${NGINX}nginx.conf` });
    await s.job.runOnce({ now: new Date(s.t0 + HOUR) });
    const before = await stateOf(write);
    expect(before.state).toBe("pending");
    expect(before.state_reason).toMatch(/not indexed yet/);
    await s.index();
    await s.job.runOnce({ now: new Date(s.t0 + 2 * HOUR) });
    expect((await stateOf(write)).state).toBe("sanctioned");
  });

  it("attributes by auditd who-data first, and never to root", async () => {
    const c1 = s.commit({ "nginx/nginx.conf": conf(2) }, s.t0 - DAY);
    await s.index();
    await s.deploy("web-1", c1, { "nginx/nginx.conf": `${NGINX}nginx.conf` });
    const path = s.hostPath("web-1", `${NGINX}nginx.conf`);
    const now = Date.now();
    const exec = (id: string, actor: string, method: string) =>
      parseEventOrThrow({ event_id: id, schema_version: 1, type: "access.exec", occurred_at: new Date(now).toISOString(), actor_id: actor, actor_kind: actor === "root" ? "unknown" : "human", attribution_method: method, attribution_confidence: 1, channel: "sudo", env: "prod", host: "web-1", outcome: "success", session_id: `s-${id}`, command: `vim ${path}`, effective_user: "root" });
    await s.insert([exec("x-root", "root", "auid"), exec("x-carol", "carol@example.com", "auid")]);
    const [edit] = await s.edit("web-1", { [`${NGINX}nginx.conf`]: conf(9) });
    // Another host where only root is known: "unknown", never root.
    await s.deploy("web-2", c1, { "nginx/nginx.conf": `${NGINX}nginx.conf` });
    const [anon] = await s.edit("web-2", { [`${NGINX}nginx.conf`]: conf(9) });
    await s.insert([parseEventOrThrow({ event_id: "x-root-2", schema_version: 1, type: "access.exec", occurred_at: new Date().toISOString(), actor_id: "root", actor_kind: "unknown", attribution_method: "auid", attribution_confidence: 1, channel: "sudo", env: "prod", host: "web-2", outcome: "success", command: `vim ${s.hostPath("web-2", `${NGINX}nginx.conf`)}` })]);
    await s.job.runOnce({ now: new Date(s.t0 + HOUR) });
    expect(await stateOf(edit)).toMatchObject({ actor_id: "carol@example.com", attribution_method: "auid", session_id: "s-x-carol" });
    expect(await stateOf(anon)).toMatchObject({ actor_id: "unknown", attribution_method: "none", attribution_confidence: 0 });
  });
});

import { beforeAll, describe, expect, it } from "vitest";
import { DemoGenerator, type DemoEvent, type DemoTruth } from "./index";
import { gitBlobSha1 } from "./blob";
import { globMatcher } from "../../lib/glob";
import { mappingOf } from "./mappings";

/**
 * The ground truth is what issue 6's drift engine is scored against, so it
 * is checked here against the event stream itself, not against the
 * generator's intentions.
 */
let events: DemoEvent[];
let truth: DemoTruth;
const byId = new Map<string, DemoEvent>();

beforeAll(() => {
  const generator = new DemoGenerator({ seed: 42, now: new Date("2026-11-22T02:00:00.000Z"), backfillDays: 14 });
  events = [];
  for (const batch of generator.backfill()) events.push(...batch.events);
  for (const e of events) byId.set(e.event_id, e);
  truth = generator.truth();
});

/** repo:path → [time, blob] of every commit that touched it, oldest first. */
function commitsAt(repo: string, path: string): Array<{ t: number; blob: string; sha: string }> {
  const out: Array<{ t: number; blob: string; sha: string }> = [];
  for (const e of events) {
    if (e.type !== "codebase.commit" || e.repo !== repo) continue;
    for (const f of e.files) if (f.path === path) out.push({ t: Date.parse(e.occurred_at), blob: f.blob, sha: e.commit });
  }
  return out;
}

describe("demo ground truth", () => {
  it("uses the real git blob SHA-1", () => {
    // `printf 'hello\n' | git hash-object --stdin`
    expect(gitBlobSha1("hello\n")).toBe("ce013625030ba8dba906f756967f9e9ca394464a");
  });

  it("covers every change.file and change.package event, and nothing else", () => {
    const changes = events.filter((e) => e.type === "change.file" || e.type === "change.package").map((e) => e.event_id);
    expect(truth.changes.map((c) => c.event_id).sort()).toEqual(changes.sort());
  });

  it("has every outcome of a direct edit", () => {
    for (const state of ["backported", "lost_hotfix", "never_committed", "reverted", "restored", "sanctioned", "unmanaged"] as const) {
      expect(truth.counts[state], state).toBeGreaterThan(0);
    }
  });

  it("marks exactly the pipeline's and puppet's changes sanctioned", () => {
    for (const c of truth.changes) {
      expect(c.state === "sanctioned", c.event_id).toBe(c.channel === "ci-deploy" || c.channel === "config-mgmt");
    }
  });

  it("backported: a later commit holds exactly the edit's content at the mapped path, with the stated lag", () => {
    const backported = truth.changes.filter((c) => c.state === "backported");
    for (const c of backported) {
      const mapping = c.mapping;
      expect(mapping).toBeDefined();
      const edited = Date.parse(c.occurred_at);
      const later = commitsAt(mapping?.repo ?? "", mapping?.repo_path ?? "").find((k) => k.blob === c.after_hash && k.t > edited);
      expect(later?.sha).toBe(c.backport?.commit);
      expect(c.backport?.lag_s).toBe(Math.round(((later?.t ?? 0) - edited) / 1000));
      expect(c.should_flag).toBe(false);
    }
  });

  it("lost hotfix: a deploy overwrote it before any commit held its content", () => {
    const lost = truth.changes.filter((c) => c.state === "lost_hotfix");
    for (const c of lost) {
      const overwrite = byId.get(c.overwritten_by?.event_id ?? "");
      expect(overwrite?.type).toBe("change.file");
      expect(overwrite?.channel).toBe("ci-deploy");
      if (overwrite?.type !== "change.file") continue;
      expect(overwrite.before_hash).toBe(c.after_hash);
      expect(overwrite.host).toBe(c.host);
      const overwrittenAt = Date.parse(overwrite.occurred_at);
      const held = commitsAt(c.mapping?.repo ?? "", c.mapping?.repo_path ?? "").find((k) => k.blob === c.after_hash);
      if (held) expect(held.t).toBeGreaterThan(overwrittenAt);
      const deploy = events.find((e) => e.type === "deploy.release" && e.host === c.host && e.deploy_id === c.overwritten_by?.deploy_id);
      expect(deploy).toBeDefined();
    }
  });

  it("reverted: a later hand edit on the same host put back a codebase blob", () => {
    for (const c of truth.changes.filter((x) => x.state === "reverted")) {
      const restore = truth.changes.find((x) => x.event_id === c.reverted_by);
      expect(restore?.state).toBe("restored");
      expect(restore?.after_hash).toBe(c.before_hash);
      expect(restore?.in_codebase).toBe(true);
      expect(c.should_flag).toBe(!c.in_codebase);
    }
  });

  it("never committed and unmanaged are what they say", () => {
    for (const c of truth.changes.filter((x) => x.state === "never_committed")) {
      expect(commitsAt(c.mapping?.repo ?? "", c.mapping?.repo_path ?? "").some((k) => k.blob === c.after_hash)).toBe(false);
      expect(c.should_flag).toBe(true);
    }
    for (const c of truth.changes.filter((x) => x.state === "unmanaged" && x.kind === "file")) {
      expect(mappingOf(c.host, c.path)).toBeUndefined();
      expect(c.should_flag).toBe(false);
    }
  });

  it("records the path mappings it used, and every sanctioned file lies under one", () => {
    expect(truth.mappings.some((m) => m.hosts === "web-*" && m.host_path === "/etc/nginx/" && m.repo === "infra" && m.repo_path === "nginx/")).toBe(true);
    for (const c of truth.changes.filter((x) => x.kind === "file" && x.state === "sanctioned")) {
      expect(truth.mappings.some((m) => globMatcher([m.hosts])(c.host) && c.path.startsWith(m.host_path)), c.path).toBe(true);
    }
  });

  it("records the true actor of unattributed edits, with the session that made them", () => {
    const unattributed = truth.changes.filter((c) => c.kind === "file" && !c.attributed_in_event);
    expect(unattributed.length).toBeGreaterThan(0);
    for (const c of unattributed) {
      const event = byId.get(c.event_id);
      expect(event?.actor_id).toBe("unknown");
      expect(c.true_actor).toMatch(/@demo\.example\.com$/);
      expect(events.some((e) => e.session_id === c.session_id && e.type === "access.login" && e.actor_id === c.true_actor)).toBe(true);
    }
  });
});

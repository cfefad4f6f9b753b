import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { driftConfigSchema } from "../config/drift";
import { DemoGenerator, type DemoTruth } from "../demo/generate";
import { createLogger } from "../lib/log";
import { parseEventOrThrow, type AuditEvent } from "../schemas";
import { insertEvents } from "../store/events";
import { defineQuery, insertRows } from "../store/query";
import { openTestStore, type TestStore } from "../test/store";
import { DriftJob } from "./job";
import { score, type EngineVerdict } from "./testing/score";

/**
 * Precision and recall over the demo fleet's ground truth: 14 days of
 * generated events into a store, the drift job, then every change compared
 * with what the generator knows it was (demo/generate/truth.ts).
 *
 * The demo does not emit its repositories' initial import commit (the state
 * before the window); the git indexer's first run would (a snapshot of the
 * tree), so the test adds that snapshot — without it, a hand revert to the
 * pre-window content could not be recognised as codebase content.
 */
const rowsQuery = defineQuery({
  name: "test.drift_states",
  params: z.object({}),
  row: z.object({ change_event_id: z.string(), state: z.string(), flagged: z.coerce.boolean() }),
  sql: (t) => `SELECT change_event_id, state, flagged FROM ${t.drift} FINAL`,
});

let store: TestStore;
let truth: DemoTruth;
let generator: DemoGenerator;
const NOW = new Date("2026-11-22T02:00:00.000Z");

async function engineVerdicts(): Promise<Map<string, EngineVerdict>> {
  return new Map((await rowsQuery(store, {})).map((r) => [r.change_event_id, { state: r.state, flagged: r.flagged }]));
}

beforeAll(async () => {
  store = await openTestStore();
  generator = new DemoGenerator({ seed: 42, now: NOW, backfillDays: 14 });
  const events: AuditEvent[] = [];
  for (const repo of Object.values(generator.sim.repos)) {
    const init = repo.commits[0];
    if (init === undefined) throw new Error(`demo repository ${repo.name} has no initial commit`);
    events.push(parseEventOrThrow({
      event_id: `snapshot-${repo.name}`, schema_version: 1, type: "codebase.commit", occurred_at: new Date(init.time).toISOString(),
      actor_id: "prodtrail-git-indexer", actor_kind: "service", attribution_method: "none", attribution_confidence: 0, channel: "git",
      env: "demo-prod", host: "git.demo.example.com", outcome: "success", repo: repo.name, commit: init.sha, branch: "main", files: init.files, snapshot: true,
    }));
  }
  for (const batch of generator.backfill()) for (const e of batch.events) events.push(parseEventOrThrow(e));
  for (let i = 0; i < events.length; i += 5000) await insertEvents(store, events.slice(i, i + 5000));
  truth = generator.truth();
  const mappings = truth.mappings.map((m) => ({ hosts: [m.hosts], host_path: m.host_path, repo: m.repo, repo_path: m.repo_path }));
  const job = new DriftJob(store, driftConfigSchema.parse({ mappings }), createLogger("drift-demo", "silent"));
  await job.runOnce({ now: NOW });
}, 300_000);

afterAll(async () => {
  await store.drop();
});

describe("drift engine against the demo fleet's ground truth (seed 42, 14 days)", () => {
  it("never flags a change that came through a deploy or config management, and flags every direct edit no commit holds", async () => {
    const s = score(truth.changes, await engineVerdicts());
    console.log(JSON.stringify({ files: s.files, shouldFlag: s.shouldFlag, flagged: s.flagged, truePositives: s.truePositives, precisionViolations: s.precisionViolations.length, recallMisses: s.recallMisses.length, falseAlarms: s.falseAlarms.length, missingRows: s.missingRows.length, confusion: s.confusion }, null, 1));
    expect(s.files).toBeGreaterThan(100);
    expect(s.shouldFlag).toBeGreaterThan(10);
    expect(s.missingRows).toEqual([]);
    expect(s.precisionViolations).toEqual([]);
    expect(s.recallMisses).toEqual([]);
    expect(s.falseAlarms).toEqual([]);
  });

  it("agrees with the truth's outcome of each direct edit", async () => {
    const engine = await engineVerdicts();
    const expected: Record<string, string[]> = {
      backported: ["backported"],
      lost_hotfix: ["lost_hotfix"],
      reverted: ["reverted"],
      restored: ["matches_codebase"],
      never_committed: ["pending", "unreconciled"],
      sanctioned: ["sanctioned"],
      unmanaged: ["unmanaged"],
    };
    const wrong = truth.changes.filter((c) => c.kind === "file" && !(expected[c.state] ?? []).includes(engine.get(c.event_id)?.state ?? "missing"));
    expect(wrong.map((c) => `${c.event_id} ${c.state} → ${engine.get(c.event_id)?.state}`)).toEqual([]);
  });

  it("the oracle fails on a planted mislabelled row and on a missing flag", async () => {
    const engine = await engineVerdicts();
    const sanctioned = truth.changes.find((c) => c.kind === "file" && c.state === "sanctioned");
    const flaggable = truth.changes.find((c) => c.should_flag);
    if (sanctioned === undefined || flaggable === undefined) throw new Error("demo truth lacks a sanctioned change or a flaggable edit");
    // Planted in the store itself, as a buggy job would write it: a newer version calling a deploy's write unreconciled.
    await insertRows(store, { table: "drift", rows: [{ change_event_id: sanctioned.event_id, env: sanctioned.env, host: sanctioned.host, path: sanctioned.path, occurred_at: sanctioned.occurred_at.replace("T", " ").replace("Z", ""), state: "unreconciled", flagged: true, evaluated_at: "2030-01-01 00:00:00", version: Number.MAX_SAFE_INTEGER }] });
    const planted = score(truth.changes, await engineVerdicts());
    expect(planted.precisionViolations).toEqual([sanctioned.event_id]);
    const dropped = new Map(engine);
    dropped.set(flaggable.event_id, { state: "backported", flagged: false });
    expect(score(truth.changes, dropped).recallMisses).toEqual([flaggable.event_id]);
  });
});

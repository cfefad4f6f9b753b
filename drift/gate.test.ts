import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { execFileAsync, REPO_ROOT, runCli } from "../test/cli";

/**
 * `prodtrail drift gate` through the real binary over a store seeded with a
 * real repository, the real files collector and the drift job
 * (drift/testing/seed-gate.ts): g-web-1 holds an unreconciled hotfix of
 * a.conf and an accepted one of b.conf; g-web-2 an unreconciled hotfix of
 * a.conf that commit `contains` carries; g-web-3 nothing.
 */
let dir: string;
let ids: Record<string, string>;
const gate = (...args: string[]) => runCli(["drift", "gate", "--config", join(dir, "prodtrail.yaml"), "--repo", "g", "--env", "prod", ...args]);
const report = z.object({ exit_code: z.number(), would_overwrite: z.array(z.object({ change_event_id: z.string(), host: z.string(), actor_id: z.string(), occurred_at: z.string() })), contained: z.number() });
const id = (name: string) => ids[name] ?? "";

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "drift-gate-"));
  await execFileAsync(process.execPath, ["--import", "tsx", join(REPO_ROOT, "drift", "testing", "seed-gate.ts"), dir], { cwd: REPO_ROOT });
  ids = z.record(z.string(), z.string()).parse(JSON.parse(readFileSync(join(dir, "ids.json"), "utf8")));
}, 300_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("prodtrail drift gate", () => {
  it("exit 3 naming the open edits the release overwrites, who and when; says the hotfix can still be saved; an accepted edit does not block", async () => {
    const r = await gate("--commit", id("release"));
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toMatch(/would overwrite 2 direct edits that never reached g/);
    expect(r.stdout).toMatch(/the moment the hotfix can still be saved/);
    expect(r.stdout).toContain(id("aHot"));
    expect(r.stdout).toContain(id("a2Hot"));
    expect(r.stdout).not.toContain(id("bHot"));
    expect(r.stdout).toMatch(/g-web-1 .*a\.conf .*unreconciled, edited \d{4}-\d\d-\d\dT.* by unknown person/);
    const json = report.parse(JSON.parse((await gate("--commit", id("release"), "--json")).stdout));
    expect(json.exit_code).toBe(3);
    expect(json.would_overwrite.map((e) => e.change_event_id).sort()).toEqual([id("aHot"), id("a2Hot")].sort());
    const md = await gate("--commit", id("release"), "--markdown");
    expect(md.code).toBe(3);
    expect(md.stdout).toMatch(/^### prodtrail drift gate: ⛔/);
    expect(md.stdout).toMatch(/\| host \| path \| state \| edited \| by \| edit id \|/);
  });

  it("exit 0 for an edit the release already contains", async () => {
    const r = await gate("--commit", id("contains"), "--hosts", "g-web-2", "--json");
    expect(r.code, r.stderr).toBe(0);
    expect(report.parse(JSON.parse(r.stdout))).toMatchObject({ exit_code: 0, would_overwrite: [] });
  });

  it("exit 0 for a host outside --hosts, and when there is nothing to lose", async () => {
    const outside = await gate("--commit", id("release"), "--hosts", "g-web-3");
    expect(outside.code, outside.stderr).toBe(0);
    expect(outside.stdout).toMatch(/nothing to lose/);
    const staging = await runCli(["drift", "gate", "--config", join(dir, "prodtrail.yaml"), "--repo", "g", "--env", "staging", "--commit", id("release")]);
    expect(staging.code, staging.stderr).toBe(0);
    expect(staging.stdout).toMatch(/nothing to lose: releasing g@[0-9a-f]{12} to staging overwrites no pending or unreconciled direct edit/);
  });

  it("with --hosts, judges a hotfix made after the job's last run before answering (exit 3)", async () => {
    const r = await gate("--commit", id("release"), "--hosts", "g-web-4");
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toContain(id("fresh"));
  });

  it("refuses bad input (exit 2) and an unindexed commit (exit 1), naming what is wrong", async () => {
    const bad = await gate("--commit", "abc");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--commit: must be the full 40-hex commit id/);
    const unknown = await gate("--commit", "f".repeat(40));
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/commit f{40} of g is not indexed/);
  });
});

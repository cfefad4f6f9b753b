import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { execFileAsync, REPO_ROOT, runCli } from "../test/cli";

/**
 * Issue #12's wrong answers, one test per class, through the CLI as a user
 * runs it: real git repositories, the real files collector (live fs.watch
 * for class 6), the real git indexer, real auth.log and audit.log lines read
 * by the real parsers (drift/testing/classes.ts, seeded in a process of its
 * own), then `prodtrail drift --evaluate --json`.
 */
let dir: string;
let ids: Record<string, Record<string, string>>;
let rows: Array<z.output<typeof row>>;

const row = z.looseObject({
  change_event_id: z.string(), host: z.string(), path: z.string(), state: z.string(), state_reason: z.string(), flagged: z.boolean(),
  actor_id: z.string(), attribution_method: z.string(), session_id: z.string(), overwritten_by: z.string(), overwrite_deploy_id: z.string(),
  matched_commit: z.string(), lag_s: z.number().nullable(), after_hash: z.string(),
});

function cli(...args: string[]) {
  return runCli(["drift", "--config", join(dir, "prodtrail.yaml"), ...args]);
}

function idOf(n: number | string, name: string): string {
  const v = ids[String(n)]?.[name];
  if (v === undefined) throw new Error(`class ${n} recorded no '${name}'`);
  return v;
}

function rowsOf(eventId: string) {
  return rows.filter((r) => r.change_event_id === eventId);
}

function one(eventId: string) {
  const found = rowsOf(eventId);
  if (found.length !== 1) throw new Error(`expected one drift row for ${eventId}, got ${found.length}`);
  return found[0]!;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "drift-classes-"));
  await execFileAsync(process.execPath, ["--import", "tsx", join(REPO_ROOT, "drift", "testing", "seed-classes.ts"), dir], { cwd: REPO_ROOT });
  ids = z.record(z.string(), z.record(z.string(), z.string())).parse(JSON.parse(readFileSync(join(dir, "ids.json"), "utf8")));
  const listed = await cli("--evaluate", "--json", "--limit", "10000");
  if (listed.code !== 0) throw new Error(`prodtrail drift failed: ${listed.stderr}`);
  rows = z.array(row).parse(JSON.parse(listed.stdout));
}, 300_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("issue #12 classes through prodtrail drift", () => {
  it("1. two releases inside one window: the hotfix is a lost hotfix, lost to the first release; both releases sanctioned", () => {
    expect(one(idOf(1, "hotfix"))).toMatchObject({ state: "lost_hotfix", flagged: true, overwritten_by: idOf(1, "r1"), overwrite_deploy_id: idOf(1, "r1_deploy") });
    expect(one(idOf(1, "r1")).state).toBe("sanctioned");
    expect(one(idOf(1, "r2")).state).toBe("sanctioned");
  });

  it("a change the pipeline made shows the deployer, not 'unknown'", () => {
    expect(one(idOf(1, "r1"))).toMatchObject({ state: "sanctioned", actor_id: "ci", attribution_method: "ci-identity" });
  });

  it("2. an edit superseded by a later edit that a commit brought is 'superseded', out of --flagged", async () => {
    const first = one(idOf(2, "first"));
    expect(first.state).toBe("superseded");
    expect(first.state_reason).toMatch(/later hand change/);
    expect(one(idOf(2, "second")).state).toBe("backported");
    const flagged = await cli("--flagged", "--json", "--host", "c2-web-1");
    expect(z.array(row).parse(JSON.parse(flagged.stdout))).toEqual([]);
  });

  it("3. deleting a file the repository never had matches the codebase, not a pending edit", () => {
    const deleted = one(idOf(3, "deleted"));
    expect(deleted.state).toBe("matches_codebase");
    expect(deleted.state_reason).toMatch(/never managed content/);
  });

  it("4. `sudo vi <path>` in a login session attributes the edit to the session's person (session-inferred)", () => {
    expect(one(idOf(4, "edit"))).toMatchObject({ actor_id: "alice", attribution_method: "session-inferred", session_id: idOf(4, "alice_session") });
  });

  it("5. auditd's write and the files collector's change are one edit, one row, attributed by auditd (auid)", () => {
    expect(rows.filter((r) => r.host === "c5-web-1" && r.path.endsWith("/etc/nginx/nginx.conf") && r.state !== "sanctioned")).toHaveLength(1);
    expect(rowsOf(idOf(5, "auditd"))).toEqual([]);
    expect(one(idOf(5, "edit"))).toMatchObject({ state: "pending", actor_id: "alice", attribution_method: "auid" });
  });

  it("6. an in-place edit after an atomic-rename install is seen and listed", () => {
    expect(one(idOf(6, "install")).state).toBe("sanctioned");
    expect(one(idOf(6, "edit"))).toMatchObject({ state: "pending", flagged: true });
  });

  it("7. commits are ordered by the repository graph: deploys of a same-second commit, a release branch and a skewed-clock commit are sanctioned", () => {
    expect(one(idOf(7, "same_second")).state).toBe("sanctioned");
    expect(one(idOf(7, "release")).state).toBe("sanctioned");
    expect(one(idOf(7, "skewed")).state).toBe("sanctioned");
  });

  it("8. a hand edit backported and then deployed within one window is backported with its lag; the deploy confirms it", () => {
    const edit = one(idOf(8, "edit"));
    expect(edit).toMatchObject({ state: "backported", matched_commit: idOf(8, "commit"), lag_s: 3 });
    expect(edit.state_reason).toMatch(/3 s later/);
    expect(edit.state_reason).toMatch(/confirmed it/);
  });

  describe("9. honest answers", () => {
    it("refuses to accept an edit that needs no attention (matches codebase), exit 1, state unchanged", async () => {
      const deleted = idOf(3, "deleted");
      const r = await cli("accept", deleted, "--ticket", "OPS-9", "--note", "looks fine to me", "--by", "ops@example.com");
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/is matches codebase: there is nothing to accept/);
      expect(r.stdout).toBe("");
      const after = await cli("show", deleted, "--json");
      expect(JSON.parse(after.stdout)).toMatchObject({ edit: { state: "matches_codebase", accepted_by: "" } });
    });

    it("accept records who: --by is required; with it the edit is accepted and out of --flagged", async () => {
      const edit = idOf(6, "edit");
      const anonymous = await cli("accept", edit, "--ticket", "OPS-10", "--note", "kept until the vendor fix");
      expect(anonymous.code).toBe(2);
      expect(anonymous.stderr).toMatch(/--by is required/);
      const done = await cli("accept", edit, "--ticket", "OPS-10", "--note", "kept until the vendor fix", "--by", "ops@example.com");
      expect(done.code, done.stderr).toBe(0);
      expect(done.stdout).toMatch(/accepted .* \(was pending\) by ops@example.com/);
      const flagged = z.array(row).parse(JSON.parse((await cli("--flagged", "--json", "--limit", "10000")).stdout));
      expect(flagged.map((r) => r.change_event_id)).not.toContain(edit);
    });

    it("--flagged means exactly the needs-attention states, and --help says so", async () => {
      const flagged = z.array(row).parse(JSON.parse((await cli("--flagged", "--json", "--limit", "10000")).stdout));
      expect(flagged.map((r) => r.change_event_id)).toContain(idOf(1, "hotfix"));
      for (const r of flagged) expect(r.state === "pending" || r.state === "unreconciled" || (r.state === "lost_hotfix" && r.flagged), `${r.change_event_id} ${r.state}`).toBe(true);
      const ids = flagged.map((r) => r.change_event_id);
      expect(ids).not.toContain(idOf(3, "created")); // reverted
      expect(ids).not.toContain(idOf(2, "first")); // superseded
      const help = await cli("--help");
      expect(help.stdout).toMatch(/--flagged +only edits that need attention: pending, unreconciled, and lost\s+hotfixes no commit holds/);
    });

    it("lists unmanaged changes apart, grouped by path, never among the edits", async () => {
      const listed = z.array(row).parse(JSON.parse((await cli("--json", "--limit", "10000")).stdout));
      expect(listed.filter((r) => r.state === "unmanaged")).toEqual([]);
      const text = await cli("--host", "c1-web-1");
      expect(text.stdout).not.toMatch(/^unmanaged/m);
      expect(text.stdout).toMatch(/1 unmanaged paths .* listed apart: prodtrail drift --unmanaged/);
      const grouped = await cli("--unmanaged", "--json", "--host", "c1-web-1");
      expect(JSON.parse(grouped.stdout)).toMatchObject({ totalPaths: 1, groups: [{ path: expect.stringMatching(/c1-web-1\/etc\/motd$/), hosts: 1, changes: 1, sample_hosts: ["c1-web-1"] }] });
    });

    it("mapping labels match the labels the project's own files collector stamps (collect.labels is accepted)", async () => {
      expect(one(idOf(9, "web")).state).toBe("pending");
      expect(rowsOf(idOf(9, "db"))).toEqual([]);
      const db = await cli("--state", "unmanaged", "--json", "--host", "c9-db-1");
      expect(JSON.parse(db.stdout)).toEqual([expect.objectContaining({ change_event_id: idOf(9, "db"), state: "unmanaged" })]);
    });

    it("a 3 s backport lag reads '3 s later', not '1 min later'", async () => {
      const shown = await cli("show", idOf(8, "edit"));
      expect(shown.stdout).toMatch(/3 s later/);
    });
  });

  describe("backport patch", () => {
    it("prints a unified diff of the kept host file against the deployed commit that `git apply --check` accepts", async () => {
      const r = await cli("patch", idOf("p", "edit"));
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^diff --git a\/nginx\/nginx.conf b\/nginx\/nginx.conf\n--- a\/nginx\/nginx.conf\n\+\+\+ b\/nginx\/nginx.conf\n@@ /);
      expect(r.stderr).toMatch(new RegExp(`diff against cp@${idOf("p", "commit").slice(0, 12)}:nginx/nginx.conf`));
      const file = join(dir, "fix.patch");
      writeFileSync(file, r.stdout);
      const repo = idOf("p", "repo");
      await execFileAsync("git", ["-C", repo, "checkout", "-q", idOf("p", "commit")]);
      await execFileAsync("git", ["-C", repo, "apply", "--check", file]);
      // And applied, the repository file is byte for byte the host's.
      await execFileAsync("git", ["-C", repo, "apply", file]);
      const { stdout: blob } = await execFileAsync("git", ["-C", repo, "hash-object", join(repo, "nginx", "nginx.conf")]);
      expect(blob.trim()).toBe(one(idOf("p", "edit")).after_hash);
    });

    it("says exactly why no patch can be made without kept content, exit 1", async () => {
      const r = await cli("patch", idOf("p", "unkept"));
      expect(r.code).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(/the files collector kept no content for this change \(is .* under collect\.sources\.files\.keep_content on cp-web-2\?/);
      const unkeptMapping = await cli("patch", idOf(1, "hotfix"));
      expect(unkeptMapping.stderr).toMatch(/does not keep content \(set keep_content: true on it/);
    });
  });
});

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileAsync, REPO_ROOT, runCli } from "../test/cli";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * `prodtrail drift` end to end, as a user runs it: the real binary in its own
 * process on its own embedded data directory (the engine is one per process
 * and directory), seeded by drift/testing/seed-cli.ts.
 */
const run = execFileAsync;
const root = REPO_ROOT;
let config: string;
let dir: string;

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return runCli(["drift", "--config", config, ...args]);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "drift-cli-"));
  config = join(dir, "prodtrail.yaml");
  writeFileSync(config, `data_dir: ${join(dir, "data")}\ndrift:\n  interval_seconds: 0\n  mappings:\n    - hosts: [web-*]\n      host_path: /etc/nginx/\n      repo: infra\n      repo_path: nginx/\n`);
  await run(process.execPath, ["--import", "tsx", join(root, "drift", "testing", "seed-cli.ts"), config], { cwd: root });
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("prodtrail drift", () => {
  it("lists, accepts with a ticket and a note, and refuses bad input with a clear message", async () => {
    const listed = await cli("--evaluate", "--json");
    expect(listed.code, listed.stderr).toBe(0);
    const rows: unknown = JSON.parse(listed.stdout);
    expect(rows).toEqual([expect.objectContaining({ change_event_id: "cli-edit-1", state: "unreconciled", repo_path: "nginx/nginx.conf", flagged: true })]);

    const accepted = await cli("accept", "cli-edit-1", "--ticket", "OPS-1", "--note", "vendor hotfix, kept", "--by", "ops@example.com");
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(accepted.stdout).toMatch(/accepted cli-edit-1 \(was unreconciled\)/);
    const after = await cli("--state", "accepted", "--json");
    expect(JSON.parse(after.stdout)).toEqual([expect.objectContaining({ change_event_id: "cli-edit-1", accepted_by: "ops@example.com", accepted_ticket: "OPS-1" })]);

    const text = await cli("show", "cli-edit-1");
    expect(text.stdout).toMatch(/accepted by ops@example.com \(OPS-1\)/);

    const badState = await cli("--state", "fine");
    expect(badState.code).toBe(2);
    expect(badState.stderr).toMatch(/unknown state 'fine' \(known: sanctioned/);
    const missing = await cli("accept", "nope", "--ticket", "OPS-2", "--note", "whatever", "--by", "ops@example.com");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no direct edit with change event id nope/);
    const noTicket = await cli("accept", "cli-edit-1", "--note", "x");
    expect(noTicket.code).toBe(2);
    expect(noTicket.stderr).toMatch(/--ticket is required/);
  }, 180_000);
});

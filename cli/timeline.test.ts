import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileAsync, REPO_ROOT, runCli } from "../test/cli";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** `prodtrail timeline` as a user runs it: the real binary on its own data directory. */
const run = execFileAsync;
const root = REPO_ROOT;
let dir: string;
let config: string;

function timeline(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return runCli(["timeline", "--config", config, ...args]);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "timeline-cli-"));
  config = join(dir, "prodtrail.yaml");
  writeFileSync(config, `data_dir: ${join(dir, "data")}\n`);
  await run(process.execPath, ["--import", "tsx", join(root, "cli", "testdata", "seed-timeline.ts"), config], { cwd: root });
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("prodtrail timeline", () => {
  it("prints one host's session in order as Markdown whose table rows keep their columns", async () => {
    const out = await timeline("--range", "24h", "--host", "web-07");
    expect(out.code, out.stderr).toBe(0);
    const order = ["tl-login", "tl-sudo", "tl-edit", "tl-logout"].map((id) => out.stdout.indexOf(id));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(out.stdout).not.toContain("tl-other-host");
    expect(out.stdout).toContain("sess-tl-1");
    const rows = out.stdout.split("\n").filter((l) => l.startsWith("|"));
    expect(rows.length).toBeGreaterThan(2);
    // The pipe inside the sudo command must not add a column.
    const cells = (l: string) => l.replace(/\\\|/g, "").split("|").length;
    expect(new Set(rows.map(cells)).size).toBe(1);
  });

  it("exports JSON and CSV of the same window", async () => {
    const json = await timeline("--range", "24h", "--host", "web-07", "--format", "json");
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.stringify(JSON.parse(json.stdout))).toContain("tl-edit");
    const csv = await timeline("--range", "24h", "--host", "web-07", "--format", "csv");
    expect(csv.stdout.split("\n")[0]).toContain("group");
    expect(csv.stdout).toContain("tl-logout");
  });

  it("names a bad argument and exits 2", async () => {
    const bad = await timeline("--range", "fortnight");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--range "fortnight"/);
    const format = await timeline("--format", "pdf");
    expect(format.code).toBe(2);
    expect(format.stderr).toMatch(/--format must be md, csv or json/);
  });
});

import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILTIN_RULES_DIR } from "../detections/load";
import { execFileAsync, REPO_ROOT, runCli } from "../test/cli";

/** `prodtrail detections` as a user runs it in CI: the real binary, a directory of their own rules. */
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "detections-cli-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("prodtrail detections", () => {
  it("test DIR passes a rule whose fixtures hold and fails, naming the case, when one does not", async () => {
    for (const f of ["ssh-brute-force.yml", "ssh-brute-force.fixtures.yml"]) copyFileSync(join(BUILTIN_RULES_DIR, f), join(dir, f));
    const ok = await runCli(["detections", "test", dir]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain("6 of 6 cases passed");
    const fixtures = join(dir, "ssh-brute-force.fixtures.yml");
    writeFileSync(fixtures, readFileSync(fixtures, "utf8").replace("evidence: 10,", "evidence: 11,"));
    const failed = await runCli(["detections", "test", dir]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain("FAIL prodtrail-ssh-brute-force: ten failures from one address in ten minutes is one finding naming it");
    expect(failed.stdout).toContain("5 of 6 cases passed");
  }, 120_000);

  it("run stores the findings of the window once: a second run over the same events finds them again but adds none", async () => {
    const config = join(dir, "run.yaml");
    writeFileSync(config, `data_dir: ${join(dir, "run-data")}\n`);
    await execFileAsync(process.execPath, ["--import", "tsx", join(REPO_ROOT, "detections", "testdata", "seed-cli.ts"), config], { cwd: REPO_ROOT });
    const first = await runCli(["detections", "run", "--since", "1h", "--config", config]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain("12 failed logins from 198.51.100.23");
    expect(first.stdout).toMatch(/: 1 new findings\n$/);
    const again = await runCli(["detections", "run", "--since", "1h", "--config", config]);
    expect(again.stdout).toMatch(/: 0 new findings\n$/);
  }, 120_000);

  it("list refuses a configured rule directory holding a bad rule, with file, line and reason", async () => {
    const rules = join(dir, "bad");
    const config = join(dir, "prodtrail.yaml");
    await import("node:fs/promises").then((fs) => fs.mkdir(rules, { recursive: true }));
    writeFileSync(join(rules, "x.yml"), "title: x\nid: x\nlevel: low\nlogsource: { product: linux, category: process_creation }\ndetection:\n  sel:\n    ParentImage: /usr/bin/python3\n  condition: sel\n");
    writeFileSync(config, `data_dir: ${join(dir, "data")}\ndetections:\n  rule_dirs: [${rules}]\n`);
    const out = await runCli(["detections", "list", "--config", config]);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/x\.yml:7: unknown field 'ParentImage'/);
  }, 60_000);
});

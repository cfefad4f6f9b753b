import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILTIN_RULES_DIR } from "../detections/load";
import { runCli } from "../test/cli";

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
    expect(ok.stdout).toContain("3 of 3 cases passed");
    const fixtures = join(dir, "ssh-brute-force.fixtures.yml");
    writeFileSync(fixtures, readFileSync(fixtures, "utf8").replace("evidence: 10,", "evidence: 11,"));
    const failed = await runCli(["detections", "test", dir]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain("FAIL prodtrail-ssh-brute-force: ten failures from one address in ten minutes is one finding naming it");
    expect(failed.stdout).toContain("2 of 3 cases passed");
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

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { detectionsConfigSchema } from "../config/detections";
import { configuredRules } from "./rule-set";

/** prodtrail.yaml's detections section onto the rules: overrides, disabling, the change window, user directories. */
const cfg = (over: Record<string, unknown>) => detectionsConfigSchema.parse(over);
const param = (rules: ReturnType<typeof configuredRules>, id: string, name: string) => rules.find((r) => r.id === id)?.params[name]?.value;

describe("the configured rule set", () => {
  it("applies parameter overrides and the change window, and drops disabled rules", () => {
    const rules = configuredRules(cfg({ params: { "prodtrail-ssh-brute-force": { threshold: 25 } }, change_window: { days: [1, 2, 3, 4, 5, 6], start_hour: 6, end_hour: 22 }, disabled: ["prodtrail-mass-export"] }));
    expect(param(rules, "prodtrail-ssh-brute-force", "threshold")).toBe(25);
    expect(param(rules, "prodtrail-outside-change-window", "window_days")).toEqual(["1", "2", "3", "4", "5", "6"]);
    expect(param(rules, "prodtrail-outside-change-window", "window_end_hour")).toBe(22);
    expect(rules.some((r) => r.id === "prodtrail-mass-export")).toBe(false);
    expect(param(configuredRules(cfg({})), "prodtrail-ssh-brute-force", "threshold")).toBe(10);
  });

  it("refuses an unknown rule, an undeclared parameter and a value of the wrong type, naming each", () => {
    expect(() => configuredRules(cfg({ params: { "prodtrail-nope": { threshold: 1 } } }))).toThrow("detections: params.prodtrail-nope: no rule has this id");
    expect(() => configuredRules(cfg({ params: { "prodtrail-ssh-brute-force": { treshold: 1 } } }))).toThrow("detections: params.prodtrail-ssh-brute-force.treshold: the rule declares no such parameter (it has threshold)");
    expect(() => configuredRules(cfg({ params: { "prodtrail-ssh-brute-force": { threshold: "ten" } } }))).toThrow('detections: params.prodtrail-ssh-brute-force.threshold: must be UInt32, got "ten"');
    expect(() => configuredRules(cfg({ disabled: ["prodtrail-typo"] }))).toThrow("detections: disabled: no rule has the id 'prodtrail-typo'");
  });

  it("adds a user's directory, and refuses one whose rule reuses a built-in id", () => {
    const dir = mkdtempSync(join(tmpdir(), "rules-"));
    writeFileSync(join(dir, "mine.yml"), "title: Mine\nid: acme-mine\nlevel: low\nevents: [access.login]\ndetection:\n  sel:\n    host: jump-*\n  condition: sel\n");
    expect(configuredRules(cfg({ rule_dirs: [dir] })).map((r) => r.id)).toContain("acme-mine");
    writeFileSync(join(dir, "twin.yml"), "title: Twin\nid: prodtrail-mass-export\nlevel: low\nevents: [access.login]\ndetection:\n  sel:\n    host: x\n  condition: sel\n");
    expect(() => configuredRules(cfg({ rule_dirs: [dir] }))).toThrow(/twin\.yml:1: rule id 'prodtrail-mass-export' is already used by .*mass-export\.yml/);
    expect(() => configuredRules(cfg({ rule_dirs: [join(dir, "missing")] }))).toThrow(/missing: cannot read the rules directory/);
  });
});

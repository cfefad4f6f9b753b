import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { driftConfigSchema, driftMappingSchema } from "../config/drift";
import { loadConfig } from "../config/load";
import { REPO_ROOT } from "../test/cli";

/** examples/prodtrail.yaml documents every drift key (the README says it documents every key), and parses. */
describe("examples/prodtrail.yaml, drift section", () => {
  const file = join(REPO_ROOT, "examples", "prodtrail.yaml");
  const text = readFileSync(file, "utf8");
  const drift = text.slice(text.search(/^drift:/m));

  it("names every key of drift: and of a mapping, and loads", () => {
    expect(drift.startsWith("drift:")).toBe(true);
    const keys = [...Object.keys(driftConfigSchema.shape), ...Object.keys(driftMappingSchema.shape)];
    for (const key of keys) expect(drift, `drift key ${key}`).toMatch(new RegExp(`\\b${key}:`));
    expect(loadConfig({ path: file }).drift.grace_period_hours).toBe(72);
  });

  it("documents collect.labels, which mapping labels match", () => {
    expect(text).toMatch(/^ {2}# labels: \{ role: web \}/m);
  });
});

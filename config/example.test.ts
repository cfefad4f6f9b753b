import { copyFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "./load";
import { ENV_OVERRIDES } from "./env";

const EXAMPLE = join(import.meta.dirname, "..", "examples", "prodtrail.yaml");

describe("examples/prodtrail.yaml", () => {
  it("is valid and equals the defaults", () => {
    const dir = mkdtempSync(join(tmpdir(), "prodtrail-example-"));
    copyFileSync(EXAMPLE, join(dir, "prodtrail.yaml"));
    const fromFile = loadConfig({ cwd: dir, env: {} });
    const empty = mkdtempSync(join(tmpdir(), "prodtrail-empty-"));
    const defaults = loadConfig({ cwd: empty, env: {} });
    expect({ ...fromFile, data_dir: "" }).toEqual({ ...defaults, data_dir: "" });
  });

  it("documents every environment override", () => {
    const text = readFileSync(EXAMPLE, "utf8");
    for (const override of ENV_OVERRIDES) expect(text).toContain(`env: ${override.env}`);
  });
});

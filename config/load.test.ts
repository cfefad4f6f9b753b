import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./load";

function dirWith(yaml?: string): string {
  const dir = mkdtempSync(join(tmpdir(), "prodtrail-config-"));
  if (yaml !== undefined) writeFileSync(join(dir, "prodtrail.yaml"), yaml);
  return dir;
}

describe("loadConfig", () => {
  it("gives a working embedded setup with no file at all", () => {
    const cwd = dirWith();
    const config = loadConfig({ cwd, env: {} });
    expect(config.clickhouse.url).toBeUndefined();
    expect(config.kafka.brokers).toEqual([]);
    expect(config.server).toMatchObject({ host: "127.0.0.1", port: 3000 });
    expect(config.data_dir).toBe(join(cwd, ".prodtrail/data"));
  });

  it("reads the file and lets the environment override it", () => {
    const cwd = dirWith("server:\n  port: 4000\nclickhouse:\n  database: audit\n");
    const config = loadConfig({ cwd, env: { PORT: "5000", KAFKA_BROKERS: "k1:9092, k2:9092", CLICKHOUSE_URL: "http://ch:8123" } });
    expect(config.server.port).toBe(5000);
    expect(config.clickhouse).toMatchObject({ database: "audit", url: "http://ch:8123" });
    expect(config.kafka.brokers).toEqual(["k1:9092", "k2:9092"]);
  });

  it("names an unknown key", () => {
    const cwd = dirWith("clickhose:\n  url: http://x\n");
    expect(() => loadConfig({ cwd, env: {} })).toThrow(/unknown key\(s\) clickhose/);
  });

  it("names a bad nested value and the environment variable it came from", () => {
    const cwd = dirWith();
    try {
      loadConfig({ cwd, env: { PORT: "eighty" } });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      if (error instanceof ConfigError) {
        expect(error.problems[0]?.key).toBe("server.port");
        expect(error.message).toContain("PORT");
      }
    }
  });

  it("names a bad broker entry by index", () => {
    const cwd = dirWith("kafka:\n  brokers: [ 'ok:9092', 'no-port' ]\n");
    expect(() => loadConfig({ cwd, env: {} })).toThrow(/kafka\.brokers\[1\]: each broker must be host:port/);
  });

  it("refuses a file that is not a mapping and a missing explicit file", () => {
    expect(() => loadConfig({ cwd: dirWith("- a\n- b\n"), env: {} })).toThrow(/mapping/);
    expect(() => loadConfig({ cwd: dirWith(), env: { PRODTRAIL_CONFIG: "nope.yaml" } })).toThrow(/does not exist/);
  });
});

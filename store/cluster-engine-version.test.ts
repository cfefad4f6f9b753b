import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { z } from "zod";
import { configSchema } from "../config/schema";
import { openTestStore, type TestStore } from "../test/store";

/**
 * One engine version everywhere: every ClickHouse image docker-compose.yml
 * runs (server and Keeper, both profiles) carries the major.minor of the
 * engine the tests run (chdb, or CLICKHOUSE_URL's server), so SQL that
 * passes here is SQL the deployed server accepts. Fails when either moves
 * alone: bump the compose tags with the chdb package, or the reverse.
 */
const COMPOSE = fileURLToPath(new URL("../docker-compose.yml", import.meta.url));
const SCALE_CONFIG = fileURLToPath(new URL("../examples/clickhouse-cluster/prodtrail.yaml", import.meta.url));

const composeSchema = z.object({ services: z.record(z.string(), z.object({ image: z.string().optional() }).loose()) });

let store: TestStore;
beforeAll(async () => {
  store = await openTestStore({ migrate: false });
});
afterAll(async () => store.drop());

function majorMinor(version: string): string {
  const m = /^(\d+)\.(\d+)(?:[.-]|$)/.exec(version);
  if (!m) throw new Error(`not a ClickHouse version: ${JSON.stringify(version)}`);
  return `${m[1]}.${m[2]}`;
}

describe("one engine version everywhere", () => {
  it("every ClickHouse image in docker-compose.yml has the tested engine's major.minor", async () => {
    const result = await store.client.query({ query: "SELECT version() AS v", format: "JSONEachRow" });
    const [row] = z.array(z.object({ v: z.string() })).parse(await result.json());
    const engine = majorMinor(row?.v ?? "");
    const compose = composeSchema.parse(parse(readFileSync(COMPOSE, "utf8"), { merge: true }));
    const images = Object.entries(compose.services)
      .map(([service, s]) => ({ service, image: s.image ?? "" }))
      .filter((s) => /^clickhouse\/clickhouse-(server|keeper):/.test(s.image));
    expect(images.map((s) => s.service)).toEqual(expect.arrayContaining(["clickhouse", "scale-keeper", "scale-clickhouse-1", "scale-clickhouse-2"]));
    const drifted = images.filter((s) => majorMinor(s.image.split(":")[1] ?? "") !== engine).map((s) => `${s.service}: ${s.image} (tests run ${engine})`);
    expect(drifted).toEqual([]);
  });

  it("reads the version from a tag, and refuses what is not one", () => {
    expect(majorMinor("26.7")).toBe("26.7");
    expect(majorMinor("26.7.2.1")).toBe("26.7");
    expect(majorMinor("26.7.1.1315-alpine")).toBe("26.7");
    expect(majorMinor("25.8")).not.toBe(majorMinor("26.7.2.1"));
    expect(() => majorMinor("latest")).toThrow(/not a ClickHouse version/);
  });

  it("the scale profile's prodtrail.yaml is a valid config naming the compose cluster", () => {
    const config = configSchema.parse(parse(readFileSync(SCALE_CONFIG, "utf8")));
    expect(config.clickhouse.cluster).toBe("prodtrail");
    expect(readFileSync(fileURLToPath(new URL("../examples/clickhouse-cluster/cluster.xml", import.meta.url)), "utf8")).toContain(`<${config.clickhouse.cluster}>`);
  });
});

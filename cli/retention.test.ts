import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { retentionConfigSchema } from "../config/retention";
import { openTestStore, type TestStore } from "../test/store";
import { runRetentionCommand } from "./retention";
import { UsageError } from "./usage";

/** `prodtrail retention`, in-process over a test store of the real engine. */
let store: TestStore;
let out: string[];
const run = (argv: string[], retention = retentionConfigSchema.parse({ access: "400d", change: "7y" })) => runRetentionCommand(argv, { store, retention, print: (l) => out.push(l) });
beforeEach(async () => {
  store = await openTestStore();
  out = [];
});
afterEach(async () => store.drop());

describe("prodtrail retention", () => {
  it("applies the configured policy once, then shows it as in the store", async () => {
    expect(await run(["apply", "--by", "ops@example.com"])).toBe(0);
    expect(out.at(-1)).toBe("retention applied: access forever → 400d; change forever → 7y");
    expect(await run(["apply"])).toBe(0);
    expect(out.at(-1)).toMatch(/retention unchanged/);
    out = [];
    expect(await run(["show"])).toBe(0);
    expect(out.join("\n")).toMatch(/access {5}400d {11}400d\n/);
    expect(out.join("\n")).toMatch(/applied .* by ops@example.com/);
  });

  it("adds, lists and releases a hold, and names what is wrong with bad input", async () => {
    expect(await run(["hold", "add", "--host", "db-01", "--from", "2026-11-01", "--to", "2026-11-30", "--reason", "INC-42 investigation", "--by", "counsel@example.com"])).toBe(0);
    const id = /hold (hold-[0-9a-f-]+) set: host db-01 from 2026-11-01 to 2026-11-30/.exec(out.at(-1) ?? "")?.[1];
    expect(id).toBeDefined();
    out = [];
    await run(["hold", "list"]);
    expect(out.join("\n")).toContain(`${id}  host db-01 from 2026-11-01 to 2026-11-30`);
    expect(await run(["hold", "release", id ?? "", "--reason", "closed", "--by", "counsel@example.com"])).toBe(0);
    out = [];
    await run(["hold", "list"]);
    expect(out).toEqual(["no legal holds"]);
    await run(["hold", "list", "--all"]);
    expect(out.join("\n")).toContain("RELEASED");
    expect(await run(["hold", "release", id ?? "", "--reason", "again", "--by", "x"])).toBe(1);

    await expect(run(["hold", "add", "--host", "db-01", "--actor", "a", "--reason", "abc", "--by", "x"])).rejects.toThrow(/exactly one of --actor, --host, --env or --range/);
    await expect(run(["hold", "add", "--host", "db-01", "--by", "x"])).rejects.toThrow(/--reason: a reason of at least 3 characters/);
    await expect(run(["hold", "add", "--range", "--from", "2026-13-01", "--to", "2026-12-01", "--reason", "abc", "--by", "x"])).rejects.toBeInstanceOf(UsageError);
    await expect(run(["purge"])).rejects.toThrow(/unknown action 'purge'/);
  });
});

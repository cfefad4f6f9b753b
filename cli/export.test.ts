import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Signer } from "../collect/sign";
import { registerCollectorKey } from "../store/collector-keys";
import { insertEvents } from "../store/events";
import { runCli } from "../test/cli";
import { makeEvents } from "../test/factories/events";
import { openTestStore, type TestStore } from "../test/store";
import { runExportCommand } from "./export";
import { UsageError } from "./usage";
import { runVerifyCommand } from "./verify";

/** `prodtrail export` then `prodtrail verify --archive`, in-process over a test store. */
let store: TestStore;
let dir: string;
beforeAll(async () => {
  store = await openTestStore();
  dir = await mkdtemp(join(tmpdir(), "export-cli-"));
  const signer = await Signer.open({ stateDir: join(dir, "state"), collectorId: "web-01" });
  await registerCollectorKey(store, { collectorId: "web-01", publicKey: signer.keys.publicKeyPem, registeredBy: "test" });
  const events = makeEvents(30, { host: "web-01" }).map((e, i) => ({ ...e, occurred_at: new Date(Date.parse("2026-11-10T00:00:00Z") + i * 60_000).toISOString() }));
  await insertEvents(store, await signer.append(events, async (s) => s));
});
afterAll(async () => {
  await store.drop();
  await rm(dir, { recursive: true, force: true });
});

const lines: string[] = [];
const print = (l: string) => lines.push(l);

describe("prodtrail export", () => {
  it("exports a window that verify --archive checks (exit 0), and exits 3 naming the event after a planted change", async () => {
    const out = join(dir, "archive");
    expect(await runExportCommand(["--from", "2026-11-10", "--to", "2026-11-11", "--out", out, "--part-rows", "10"], { store, print })).toBe(0);
    expect(lines.at(-2)).toMatch(/30 events of 1 collectors in 3 parts \(jsonl\)/);
    expect(await runVerifyCommand(["--archive", out], { store, print })).toBe(0);
    expect(lines.at(-1)).toMatch(/^archive verified/);

    const part = (await readdir(out)).filter((f) => f.startsWith("events-")).sort()[1] ?? "";
    const text = await readFile(join(out, part), "utf8");
    const [first] = text.split("\n");
    const id = /"event_id":"([^"]+)"/.exec(first ?? "")?.[1] ?? "";
    await writeFile(join(out, part), text.replace('"host":"web-01"', '"host":"web-99"'));
    expect(await runVerifyCommand(["--archive", out], { store, print })).toBe(3);
    expect(lines.join("\n")).toContain(`event ${id}: bad-signature`);
  });

  it("verifies a Parquet archive through the real binary, with its own throwaway engine", async () => {
    const out = join(dir, "archive-parquet");
    expect(await runExportCommand(["--from", "2026-11-10", "--to", "2026-11-11", "--out", out, "--format", "parquet"], { store, print })).toBe(0);
    const clean = await runCli(["verify", "--archive", out]);
    expect(clean.stderr).toBe("");
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/web-01 +seq 0–29 +events 30 +verified 30/);
  }, 120_000);

  it("refuses bad arguments by name", async () => {
    await expect(runExportCommand(["--from", "2026-11-10", "--to", "2026-11-11"], { store, print })).rejects.toThrow(/--out is required/);
    await expect(runExportCommand(["--from", "yesterday", "--to", "2026-11-11", "--out", dir], { store, print })).rejects.toThrow(/--from must be an ISO time/);
    await expect(runExportCommand(["--from", "2026-11-12", "--to", "2026-11-11", "--out", dir], { store, print })).rejects.toThrow(/--from must be before --to/);
    await expect(runExportCommand(["--from", "2026-11-10", "--to", "2026-11-11", "--out", dir, "--format", "csv"], { store, print })).rejects.toBeInstanceOf(UsageError);
  });
});

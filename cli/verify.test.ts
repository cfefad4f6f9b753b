import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { Signer } from "../collect/sign";
import type { AuditEvent } from "../schemas";
import { listCollectorKeys, registerCollectorKey } from "../store/collector-keys";
import { insertEvents } from "../store/events";
import { defineQuery } from "../store/query";
import { makeEvents } from "../test/factories/events";
import { openTestStore, type TestStore } from "../test/store";
import { runCollectorsCommand } from "./collectors";
import { EXIT_PROBLEMS, parseSince, runVerifyCommand } from "./verify";
import { UsageError } from "./usage";

/** `prodtrail verify` and `prodtrail collectors`, run in-process over a test store of the real engine. */
let store: TestStore;
let dir: string;
beforeEach(async () => {
  store = await openTestStore();
  dir = await mkdtemp(join(tmpdir(), "verify-cli-"));
});
afterEach(async () => {
  await store.drop();
  await rm(dir, { recursive: true, force: true });
});

const findingIds = defineQuery({
  name: "test.verify_findings",
  params: z.object({}),
  row: z.object({ finding_id: z.string() }),
  sql: (t) => `SELECT finding_id FROM ${t.findings} FINAL ORDER BY finding_id`,
});

async function stream(collectorId: string, n: number, headInterval = 1): Promise<{ signer: Signer; events: AuditEvent[] }> {
  const signer = await Signer.open({ stateDir: join(dir, collectorId), collectorId, headInterval });
  return { signer, events: await signer.append(makeEvents(n, { host: collectorId }), async (s) => s) };
}

async function verify(...argv: string[]): Promise<{ code: number; out: string }> {
  return verifyAt(Date.now(), ...argv);
}

async function verifyAt(now: number, ...argv: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await runVerifyCommand(argv, { store, print: (l) => lines.push(l), now: () => now });
  return { code, out: lines.join("\n") };
}

describe("prodtrail verify", () => {
  it("exits 0 on a clean stream and 3 once one event is tampered, naming its seq and event id", async () => {
    const { signer, events } = await stream("web-01", 60);
    await registerCollectorKey(store, { collectorId: "web-01", publicKey: signer.keys.publicKeyPem, registeredBy: "test" });
    await insertEvents(store, events.slice(0, 30));
    const clean = await verify();
    expect(clean.code).toBe(0);
    expect(clean.out).toContain("web-01  key");
    expect(clean.out).toContain("checked 30  ok 30  problems 0");

    const victim = events[42];
    if (victim === undefined) throw new Error("no event 42");
    await insertEvents(store, events.slice(30).map((e) => (e === victim ? { ...e, command: "rm -rf /" } : e)));
    const dirty = await verify("--json");
    expect(dirty.code).toBe(EXIT_PROBLEMS);
    const report = z.object({ problems: z.number(), collectors: z.array(z.object({ checked: z.number(), problems: z.array(z.object({ kind: z.string(), seq: z.number(), gap_end: z.number().optional(), event_id: z.string() })) })) }).parse(JSON.parse(dirty.out));
    expect(report.collectors[0]?.checked).toBe(60);
    expect(report.collectors[0]?.problems).toEqual([
      { kind: "bad-signature", seq: 42, event_id: victim.event_id },
    ]);
    // Read-only by default; --record writes the findings.
    expect(await findingIds(store, {})).toEqual([]);
    expect((await verify("--record")).code).toBe(EXIT_PROBLEMS);
    expect((await findingIds(store, {})).map((f) => f.finding_id)).toEqual(["integrity:web-01:bad-signature:42"]);
  });

  it("reports a collector with signed events but no registered key, and filters by --collector", async () => {
    const a = await stream("web-01", 5);
    const b = await stream("db-01", 5);
    await registerCollectorKey(store, { collectorId: "web-01", publicKey: a.signer.keys.publicKeyRaw, registeredBy: "test" });
    await insertEvents(store, [...a.events, ...b.events]);
    const all = await verify();
    expect(all.code).toBe(EXIT_PROBLEMS);
    expect(all.out).toContain("db-01  NO REGISTERED KEY");
    expect((await verify("--collector", "web-01")).code).toBe(0);
    expect((await verify("--collector", "nobody")).out).toContain("no signed events from collector nobody");
  });

  it("--since verifies from the first event after it; a bad --since is a usage error; a broken store exits 1", async () => {
    const { signer, events } = await stream("web-01", 10);
    await registerCollectorKey(store, { collectorId: "web-01", publicKey: signer.keys.publicKeyRaw, registeredBy: "test" });
    // Events 0–4 occurred two hours ago, 5–9 just now: --since 1h starts the chain at seq 5.
    const old = Date.now() - 2 * 3_600_000;
    const timed = events.map((e, i) => (i < 5 ? { ...e, occurred_at: new Date(old).toISOString() } : e));
    await insertEvents(store, timed);
    // Changing occurred_at after signing broke the first five signatures: only the second half is clean.
    expect((await verify()).code).toBe(EXIT_PROBLEMS);
    const since = await verify("--since", "1h");
    expect(since.code).toBe(0);
    expect(since.out).toContain("checked 5  ok 5");
    await expect(verify("--since", "yesterday-ish")).rejects.toBeInstanceOf(UsageError);
    expect(parseSince("2026-01-01T00:00:00Z")).toBe("2026-01-01T00:00:00.000Z");
    await store.drop();
    expect((await verify()).code).toBe(1);
  });
});

describe("prodtrail verify over head-signed streams", () => {
  it("reports events verified by head signatures; a planted change in an unsigned link exits 3 naming it", async () => {
    // Interval 16 over 50 events: heads at 15, 31, 47 and 49.
    const { signer, events } = await stream("web-01", 50, 16);
    await registerCollectorKey(store, { collectorId: "web-01", publicKey: signer.keys.publicKeyPem, registeredBy: "test" });
    await insertEvents(store, events.slice(0, 40));
    const partial = await verify();
    expect(partial.code).toBe(0);
    expect(partial.out).toContain("checked 40  ok 32  problems 0  (30 of them verified by a later head's signature)");
    expect(partial.out).toContain("awaiting head  8 event(s)");
    // Past the grace time the same tail is a problem: the stream was cut after its last head.
    const late = await verifyAt(Date.now() + 11 * 60_000, "--json");
    expect(late.code).toBe(EXIT_PROBLEMS);
    expect(JSON.parse(late.out)).toMatchObject({ collectors: [{ problems: [{ kind: "uncovered", seq: 32, gap_end: 39 }] }] });

    const victim = events[44];
    if (victim === undefined || victim.sig !== undefined) throw new Error("event 44 should be an unsigned link");
    await insertEvents(store, events.slice(40).map((e) => (e === victim ? { ...e, command: "rm -rf /" } : e)));
    const dirty = await verify("--json");
    expect(dirty.code).toBe(EXIT_PROBLEMS);
    expect(JSON.parse(dirty.out)).toMatchObject({ collectors: [{ checked: 50, problems: [{ kind: "bad-signature", seq: 44, event_id: victim.event_id }] }] });
  });
});

describe("prodtrail collectors", () => {
  it("registers, refuses a second key without --replace, replaces with it, and revokes", async () => {
    const print = (): void => undefined;
    const first = (await stream("web-01", 0)).signer.keys;
    const second = (await stream("web-01-new", 0)).signer.keys;
    expect(await runCollectorsCommand(["register", "web-01", first.publicKeyRaw], { store, print })).toBe(0);
    expect(await runCollectorsCommand(["register", "web-01", second.publicKeyRaw], { store, print })).toBe(1);
    expect(await runCollectorsCommand(["register", "web-01", second.publicKeyRaw, "--replace"], { store, print })).toBe(0);
    const keys = await listCollectorKeys(store, "web-01");
    expect(keys.map((k) => [k.publicKey, k.revokedAt === null])).toEqual([
      [first.publicKeyRaw, false],
      [second.publicKeyRaw, true],
    ]);
    expect(await runCollectorsCommand(["revoke", "web-01"], { store, print })).toBe(0);
    expect(await runCollectorsCommand(["revoke", "web-01"], { store, print })).toBe(1);
    await expect(runCollectorsCommand(["register", "web-01", "not-a-key"], { store, print })).rejects.toBeInstanceOf(UsageError);
  });
});

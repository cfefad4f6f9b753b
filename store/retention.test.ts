import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { retentionConfigSchema } from "../config/retention";
import { makeEvent } from "../test/factories/events";
import { openTestStore, type TestStore } from "../test/store";
import { insertEvents } from "./events";
import { addHold, HoldAlreadyReleasedError, HoldNotFoundError, listHolds, releaseHold } from "./legal-holds";
import { applyRetention, currentRetention, enforceRetentionNow, retentionAlterSql, retentionTtl } from "./retention";
import { qualifyTables } from "./tables";

// Short TTLs on the real engine: events "received" an hour ago under a 60 s retention have expired.
const shortAccess = retentionConfigSchema.parse({ access: "60s", floor_days: 0 });
const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
const today = new Date().toISOString().slice(0, 10);

async function storedIds(store: TestStore): Promise<string[]> {
  const r = await store.client.query({ query: `SELECT event_id FROM ${store.tables.events} WHERE category != 'audit' ORDER BY event_id`, format: "JSONEachRow" });
  return (await r.json<{ event_id: string }>()).map((x) => x.event_id);
}

async function auditResources(store: TestStore): Promise<string[]> {
  const r = await store.client.query({ query: `SELECT resource FROM ${store.tables.events} WHERE category = 'audit' ORDER BY occurred_at, resource`, format: "JSONEachRow" });
  return (await r.json<{ resource: string }>()).map((x) => x.resource);
}

describe("retention TTLs and legal holds on the engine", () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore();
  });
  afterAll(async () => store.drop());

  it("deletes expired unheld rows of the category, keeps held ones and other categories, and a release lets them go", async () => {
    const alice = makeEvent({ event_id: "ev-alice", actor_id: "alice@example.com" });
    const bob = makeEvent({ event_id: "ev-bob", actor_id: "bob@example.com", host: "web-09" });
    const held = makeEvent({ event_id: "ev-held-host", actor_id: "carol@example.com", host: "db-01" });
    const staging = makeEvent({ event_id: "ev-held-env", actor_id: "dave@example.com", env: "staging" });
    const change = makeEvent({ event_id: "ev-change", type: "change.file", path: "/etc/app.conf", op: "modify", after_hash: "a".repeat(40) });
    await insertEvents(store, [alice, bob, held, staging, change], hourAgo);

    const aliceHold = await addHold(store, { scope: "actor", value: "alice@example.com", from: today, to: today, reason: "matter 2026-17", setBy: "counsel@example.com", attributionMethod: "none" });
    await addHold(store, { scope: "host", value: "db-01", reason: "incident INC-9", setBy: "counsel@example.com", attributionMethod: "none" });
    await addHold(store, { scope: "env", value: "staging", reason: "audit request", setBy: "counsel@example.com", attributionMethod: "none" });

    const applied = await applyRetention(store, shortAccess, "test");
    expect(applied.changed).toBe(true);
    expect(applied.changes).toEqual({ access: "forever → 60s" });
    await enforceRetentionNow(store);
    expect(await storedIds(store)).toEqual(["ev-alice", "ev-change", "ev-held-env", "ev-held-host"]);

    await releaseHold(store, { holdId: aliceHold.hold_id, reason: "matter closed", releasedBy: "counsel@example.com", attributionMethod: "none" });
    await enforceRetentionNow(store);
    expect(await storedIds(store)).toEqual(["ev-change", "ev-held-env", "ev-held-host"]);

    const holds = await listHolds(store);
    expect(holds).toHaveLength(3);
    expect(holds.find((h) => h.hold_id === aliceHold.hold_id)?.released).toMatchObject({ by: "counsel@example.com", reason: "matter closed" });
    expect(await auditResources(store)).toEqual(
      expect.arrayContaining([`retention:hold:${aliceHold.hold_id}`, `retention:release:${aliceHold.hold_id}`, "retention:policy"]),
    );
  });

  it("a hold outside the rows' days keeps nothing; a range hold keeps every event of its days", async () => {
    const s = await openTestStore();
    try {
      await insertEvents(s, [makeEvent({ event_id: "ev-1", actor_id: "erin@example.com" }), makeEvent({ event_id: "ev-2", actor_id: "frank@example.com" })], hourAgo);
      await addHold(s, { scope: "actor", value: "erin@example.com", from: "2020-01-01", to: "2020-01-31", reason: "old matter", setBy: "counsel@example.com", attributionMethod: "none" });
      await applyRetention(s, shortAccess, "test");
      await enforceRetentionNow(s);
      expect(await storedIds(s)).toEqual([]);

      // The hold first: the engine applies TTLs in background merges too, so an expired row stored before its hold may already be gone.
      await addHold(s, { scope: "range", from: today, to: today, reason: "regulator request", setBy: "counsel@example.com", attributionMethod: "none" });
      await insertEvents(s, [makeEvent({ event_id: "ev-3" })], hourAgo);
      await enforceRetentionNow(s);
      expect(await storedIds(s)).toEqual(["ev-3"]);
    } finally {
      await s.drop();
    }
  });

  it("re-applying the same policy changes nothing; a different one is audited and never deletes held rows", async () => {
    const s = await openTestStore();
    try {
      await insertEvents(s, [makeEvent({ event_id: "ev-kept", actor_id: "gina@example.com" })], hourAgo);
      await addHold(s, { scope: "actor", value: "gina@example.com", reason: "litigation", setBy: "counsel@example.com", attributionMethod: "none" });
      const first = await applyRetention(s, retentionConfigSchema.parse({ access: "400d" }), "prodtrail serve");
      expect(first.changed).toBe(true);
      expect((await applyRetention(s, retentionConfigSchema.parse({ access: "400d" }), "prodtrail serve")).changed).toBe(false);
      const shorter = await applyRetention(s, shortAccess, "ops@example.com");
      expect(shorter.changes).toEqual({ access: "400d → 60s" });
      await enforceRetentionNow(s);
      expect(await storedIds(s)).toEqual(["ev-kept"]);
      expect((await currentRetention(s)).policy.access).toBe("60s");
      expect((await auditResources(s)).filter((r) => r === "retention:policy")).toHaveLength(2);
      const back = await applyRetention(s, retentionConfigSchema.parse({}), "ops@example.com");
      expect(back.changes).toEqual({ access: "60s → forever" });
    } finally {
      await s.drop();
    }
  });

  it("refuses bad holds and releases by name", async () => {
    await expect(addHold(store, { scope: "actor", value: "", reason: "x y z", setBy: "a", attributionMethod: "none" })).rejects.toThrow(/name the actor to hold/);
    await expect(addHold(store, { scope: "range", reason: "x y z", setBy: "a", attributionMethod: "none" })).rejects.toThrow(/range hold needs both from and to/);
    await expect(addHold(store, { scope: "host", value: "h", from: "2026-02-01", to: "2026-01-01", reason: "x y z", setBy: "a", attributionMethod: "none" })).rejects.toThrow(/to is before from/);
    await expect(releaseHold(store, { holdId: "hold-nope", reason: "done", releasedBy: "a", attributionMethod: "none" })).rejects.toBeInstanceOf(HoldNotFoundError);
    const h = await addHold(store, { scope: "host", value: "x-1", reason: "brief", setBy: "a", attributionMethod: "none" });
    await releaseHold(store, { holdId: h.hold_id, reason: "done", releasedBy: "a", attributionMethod: "none" });
    await expect(releaseHold(store, { holdId: h.hold_id, reason: "again", releasedBy: "a", attributionMethod: "none" })).rejects.toBeInstanceOf(HoldAlreadyReleasedError);
  });

  it("refuses a retention below the floor, naming the category", () => {
    const r = retentionConfigSchema.safeParse({ access: "40d" });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(["access"]);
    expect(r.error?.issues[0]?.message).toMatch(/shorter than retention.floor_days \(365 days/);
    expect(retentionConfigSchema.safeParse({ change: "7y", access: "400d" }).success).toBe(true);
    expect(retentionConfigSchema.safeParse({ access: "400 days" }).error?.issues[0]?.message).toMatch(/whole number and a unit/);
  });

  it("puts the TTL on the shards' local tables in cluster mode, reading holds through the Distributed tables", async () => {
    const t = qualifyTables("pt");
    const ttl = retentionTtl(shortAccess, t);
    const sql = retentionAlterSql({ tables: t, cluster: "prodtrail" }, ttl);
    expect(sql.startsWith("ALTER TABLE pt.events_local ON CLUSTER prodtrail MODIFY TTL")).toBe(true);
    expect(sql).toContain("FROM pt.legal_holds WHERE");
    expect(retentionAlterSql({ tables: t, cluster: undefined }, null)).toBe("ALTER TABLE pt.events REMOVE TTL");
    // The engine's own parser accepts the cluster statement.
    const r = await store.client.query({ query: "SELECT formatQuery({q:String}) AS f", query_params: { q: sql }, format: "JSONEachRow" });
    expect((await r.json<{ f: string }>())[0]?.f).toMatch(/ON CLUSTER prodtrail/);
  });
});

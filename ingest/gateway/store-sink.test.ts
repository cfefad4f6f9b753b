import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { AuditEvent } from "../../schemas";
import { fromEventRow } from "../../store/event-rows";
import type { TestStore } from "../../test/store";
import { makeEvent, makeEvents } from "../../test/factories/events";
import type { RunningServe } from "../../server/serve";
import { useServedStore } from "./served-store";
import { postBatch } from "./testing";

/**
 * Issue #9 class 1 through the gateway (embedded mode, the real StoreSink
 * over the real engine). The oracle reads `events` directly, after forcing
 * every merge (OPTIMIZE … FINAL), and compares every field of the original.
 */
const served = useServedStore();
let store: TestStore;
let serve: RunningServe;
beforeAll(() => {
  ({ store, serve } = served);
});

const post = (events: readonly unknown[]) => postBatch(serve.url, JSON.stringify({ events }));

const conflictBody = z.object({
  error: z.string(),
  conflicts: z.array(z.object({ index: z.number(), event_id: z.string(), issues: z.array(z.object({ field: z.string(), message: z.string() })) })),
});

async function merged(): Promise<void> {
  await store.client.command({ query: `OPTIMIZE TABLE ${store.tables.events} FINAL` });
}

/** Every physical row under `id`, after a forced merge, read back as events. */
async function rowsOf(id: string): Promise<AuditEvent[]> {
  await merged();
  const result = await store.client.query({
    query: `SELECT * FROM ${store.tables.events} WHERE event_id = {id:String}`,
    query_params: { id },
    format: "JSONEachRow",
  });
  return (await result.json()).map((row) => fromEventRow(row));
}

/** The one stored row equals `original` in every field (received_at: set once, by the first post). */
async function expectOriginalKept(original: AuditEvent): Promise<void> {
  const rows = await rowsOf(original.event_id);
  expect(rows).toHaveLength(1);
  const { received_at, ...rest } = rows[0] ?? original;
  expect(rest).toEqual(original);
  expect(received_at).toMatch(/Z$/);
}

const findingsFor = async (id: string) => {
  const result = await store.client.query({
    query: `SELECT finding_id, title, event_ids FROM ${store.tables.findings} FINAL WHERE detector = 'integrity' AND has(event_ids, {id:String})`,
    query_params: { id },
    format: "JSONEachRow",
  });
  return z.array(z.object({ finding_id: z.string(), title: z.string(), event_ids: z.array(z.string()) })).parse(await result.json());
};

describe("the first stored version of an event wins (gateway)", () => {
  it("refuses different content under an existing id with 409 naming it, records a finding, keeps the original", async () => {
    const original = makeEvent({ type: "access.privilege", actor_id: "admin@localhost", effective_user: "root", command: "systemctl restart nginx" });
    expect((await post([original])).status).toBe(200);
    const forged = { ...original, actor_id: "mallory@example.com" };
    const res = await post([forged]);
    expect(res.status).toBe(409);
    const body = conflictBody.parse(await res.json());
    expect(body.error).toContain(original.event_id);
    expect(body.conflicts).toMatchObject([{ index: 0, event_id: original.event_id }]);
    expect(body.conflicts[0]?.issues[0]?.field).toBe("events[0]");
    await expectOriginalKept(original);
    const findings = await findingsFor(original.event_id);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.finding_id).toContain(":conflict:");
  });

  it("refuses the same id with a different occurred_at (another sort key) instead of storing it twice", async () => {
    const original = makeEvent();
    expect((await post([original])).status).toBe(200);
    const moved = { ...original, occurred_at: new Date(Date.parse(original.occurred_at) - 86_400_000 * 40).toISOString() };
    expect((await post([moved])).status).toBe(409);
    await expectOriginalKept(original);
  });

  it("absorbs an identical resend (200, nothing new stored) and keeps the first received_at", async () => {
    const original = makeEvent();
    expect((await post([original])).status).toBe(200);
    const [first] = await rowsOf(original.event_id);
    expect((await post([original])).status).toBe(200);
    // Cut differently: the insert token differs, the id index still knows the event.
    expect((await post([makeEvent(), original])).status).toBe(200);
    const rows = await rowsOf(original.event_id);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.received_at).toBe(first?.received_at);
  });

  it("refuses a conflicting copy inside a batch cut differently, storing none of that batch", async () => {
    const [a, b, c] = makeEvents(3);
    if (!a || !b || !c) throw new Error("factory");
    expect((await post([a, b, c])).status).toBe(200);
    const d = makeEvent();
    const res = await post([d, { ...b, command: "rm -rf /var/log/audit" }]);
    expect(res.status).toBe(409);
    expect(conflictBody.parse(await res.json()).conflicts.map((x) => x.index)).toEqual([1]);
    expect(await rowsOf(d.event_id)).toEqual([]);
    // The collector files the refused copy and resends the rest: stored.
    expect((await post([d])).status).toBe(200);
    await expectOriginalKept(b);
    expect(await rowsOf(d.event_id)).toHaveLength(1);
  });

  it("refuses two copies of one new id with different content in one batch, naming the later", async () => {
    const original = makeEvent();
    const res = await post([original, { ...original, host: "db-01" }]);
    expect(res.status).toBe(409);
    expect(conflictBody.parse(await res.json()).conflicts.map((x) => x.index)).toEqual([1]);
    expect(await rowsOf(original.event_id)).toEqual([]);
  });

  it("of two concurrent posts with different content under one new id, exactly one is stored", async () => {
    const original = makeEvent();
    const copies = [original, { ...original, actor_id: "bob@example.com" }, { ...original, host: "other-host" }];
    const answers = await Promise.all(copies.map((e) => post([e])));
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409, 409]);
    const winner = copies[answers.findIndex((r) => r.status === 200)];
    if (!winner) throw new Error("no 200");
    await expectOriginalKept(winner);
  });

  it("keeps the original when the conflicting copy arrives after a merge", async () => {
    const original = makeEvent({ type: "change.file" });
    expect((await post([original])).status).toBe(200);
    await merged();
    expect((await post([{ ...original, after_hash: "f".repeat(40) }])).status).toBe(409);
    await expectOriginalKept(original);
  });
});

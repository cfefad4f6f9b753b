import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Signer, signLink } from "../../collect/sign";
import type { AuditEvent } from "../../schemas";
import { registerCollectorKey, revokeCollectorKeys } from "../../store/collector-keys";
import { insertEvents } from "../../store/events";
import { makeEvents } from "../../test/factories/events";
import { findingsQuery, round, signedStream, useIntegrityFixture } from "./testing";

/** Which key a stream is verified with: none registered, the wrong one, a rotated one, unsigned events. */
const fx = useIntegrityFixture();

describe("integrity job and collector keys", () => {
  it("flags signed events from a collector with no registered key once (low), and resolves it on registration", async () => {
    const { signer, events } = await signedStream(fx, "db-01", 20, false);
    await insertEvents(fx.store, events);
    await round(fx);
    await round(fx);
    expect(await findingsQuery(fx.store, {})).toMatchObject([{ finding_id: "integrity:db-01:unregistered:0", severity: "low", status: "open" }]);
    await registerCollectorKey(fx.store, { collectorId: "db-01", publicKey: signer.keys.publicKeyRaw, registeredBy: "test" });
    const run = await round(fx);
    expect(run.collectors[0]).toMatchObject({ checked: 20, ok: 20, problems: [] });
    expect(await findingsQuery(fx.store, {})).toMatchObject([{ finding_id: "integrity:db-01:unregistered:0", status: "resolved" }]);
  });

  it("flags unsigned events from a collector that has a registered key (medium)", async () => {
    const { events } = await signedStream(fx, "web-01", 5);
    const unsigned = makeEvents(3, { host: "web-01", collector_id: "web-01" });
    await insertEvents(fx.store, [...events, ...unsigned]);
    await round(fx);
    const findings = await findingsQuery(fx.store, {});
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: "medium", status: "open" });
    expect(findings[0]?.finding_id).toMatch(/^integrity:web-01:unsigned:\d{4}-\d{2}-\d{2}$/);
    expect(findings[0]?.event_ids.sort()).toEqual(unsigned.map((e) => e.event_id).sort());
  });

  it("the signature oracle fails every event when the registered key is not the signer's", async () => {
    const { events } = await signedStream(fx, "web-01", 10, false);
    const impostor = await Signer.open({ stateDir: join(fx.dir, "impostor"), collectorId: "web-01" });
    await registerCollectorKey(fx.store, { collectorId: "web-01", publicKey: impostor.keys.publicKeyRaw, registeredBy: "test" });
    await insertEvents(fx.store, events);
    const run = await round(fx);
    expect(run.collectors[0]).toMatchObject({ checked: 10, ok: 0 });
    const findings = await findingsQuery(fx.store, {});
    expect(findings).toHaveLength(10);
    expect(findings.every((f) => f.finding_id.startsWith("integrity:web-01:bad-signature:"))).toBe(true);
  });

  it("follows a key rotation: old key valid for events received before its revocation, never after", async () => {
    const { signer, events } = await signedStream(fx, "web-01", 10);
    await insertEvents(fx.store, events);
    await revokeCollectorKeys(fx.store, "web-01");
    const next = await Signer.open({ stateDir: join(fx.dir, "rotated"), collectorId: "web-01" });
    await registerCollectorKey(fx.store, { collectorId: "web-01", publicKey: next.keys.publicKeyPem, registeredBy: "test" });
    // The chain continues across the rotation: seq 10 links to seq 9, signed with the new key.
    let tip = { seq: 10, hash: events[9]?.hash ?? "" };
    const later: AuditEvent[] = [];
    for (const e of makeEvents(10, { host: "web-01", collector_id: "web-01" })) {
      const signed = signLink(e, tip.seq, tip.hash, later.length === 4 ? signer.keys.privateKey : next.keys.privateKey);
      later.push(signed);
      tip = { seq: tip.seq + 1, hash: signed.hash ?? "" };
    }
    await insertEvents(fx.store, later);
    const run = await round(fx);
    expect(run.collectors[0]).toMatchObject({ checked: 20, ok: 19 });
    // Seq 14 was signed with the revoked key after its revocation.
    expect((await findingsQuery(fx.store, {})).map((f) => f.finding_id)).toEqual(["integrity:web-01:bad-signature:14"]);
  });
});

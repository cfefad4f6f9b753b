import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseEvent, parseEventOrThrow, type AuditEvent } from "../../schemas";
import { makeEvents } from "../../test/factories/events";
import { GENESIS_HASH, importPublicKey, KeyPermissionError, Signer, verifyChain, ChainStateError } from ".";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "sign-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function signAll(signer: Signer, events: AuditEvent[]): Promise<AuditEvent[]> {
  return signer.append(events, async (signed) => signed);
}

/** What ingest sees: JSON on the wire, parsed again. */
function overTheWire(events: AuditEvent[]): AuditEvent[] {
  return events.map((e) => parseEventOrThrow(JSON.parse(JSON.stringify(e))));
}

describe("Signer", () => {
  it("chains seq from 0 with genesis prev_hash; events stay valid and verify after a JSON round trip", async () => {
    const signer = await Signer.open({ stateDir: dir, collectorId: "web-01" });
    const signed = await signAll(signer, makeEvents(5));
    expect(signed.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4]);
    expect(signed[0]?.prev_hash).toBe(GENESIS_HASH);
    expect(signed[1]?.prev_hash).toBe(signed[0]?.hash);
    for (const e of signed) expect(parseEvent(e).ok).toBe(true);
    const { results } = verifyChain(overTheWire(signed), signer.keys.publicKey);
    expect(results.map((r) => r.status.kind)).toEqual(["ok", "ok", "ok", "ok", "ok"]);
  });

  it("a tampered field is a bad signature; a tampered hash field is a bad hash", async () => {
    const signer = await Signer.open({ stateDir: dir, collectorId: "web-01" });
    const signed = overTheWire(await signAll(signer, makeEvents(3)));
    const tampered = signed.map((e, i) => (i === 1 ? { ...e, actor_id: "mallory" } : e));
    expect(verifyChain(tampered, signer.keys.publicKey).results.map((r) => r.status.kind)).toEqual(["ok", "bad-signature", "gap"]);
    const badHash = signed.map((e, i) => (i === 1 ? { ...e, hash: "f".repeat(64) } : e));
    expect(verifyChain(badHash, signer.keys.publicKey).results[1]?.status.kind).toBe("bad-hash");
  });

  it("a removed event is a gap naming expected and got; a reordered pair is a gap then a late fill", async () => {
    const signer = await Signer.open({ stateDir: dir, collectorId: "web-01" });
    const s = overTheWire(await signAll(signer, makeEvents(5)));
    const removed = [s[0], s[1], s[3], s[4]].filter((e) => e !== undefined);
    const r1 = verifyChain(removed, signer.keys.publicKey).results;
    expect(r1[2]?.status).toEqual({ kind: "gap", expected: 2, got: 3 });
    expect(r1[3]?.status.kind).toBe("ok");
    const reordered = [s[0], s[2], s[1], s[3]].filter((e) => e !== undefined);
    expect(verifyChain(reordered, signer.keys.publicKey).results.map((r) => r.status.kind)).toEqual(["ok", "gap", "late", "ok"]);
  });

  it("recognises a redelivered event as a duplicate and a re-signed different event at a used seq as a fork", async () => {
    const signer = await Signer.open({ stateDir: dir, collectorId: "web-01" });
    const s = overTheWire(await signAll(signer, makeEvents(3)));
    const redelivered = [...s, s[1], s[2]].filter((e) => e !== undefined);
    expect(verifyChain(redelivered, signer.keys.publicKey).results.map((r) => r.status.kind)).toEqual(["ok", "ok", "ok", "duplicate", "duplicate"]);
    // A second signer with the same key but a stale state: it re-issues seq 1.
    await writeFile(join(dir, "chain.json"), JSON.stringify({ version: 1, collector_id: "web-01", next_seq: 1, last_hash: s[0]?.hash }));
    const stale = await Signer.open({ stateDir: dir, collectorId: "web-01" });
    const forked = overTheWire(await signAll(stale, makeEvents(1)));
    expect(verifyChain([...s, ...forked], signer.keys.publicKey).results[3]?.status.kind).toBe("fork");
  });

  it("continues the chain after a restart, and after a crash between spool append and state write (recovers from the spool tail)", async () => {
    const first = await Signer.open({ stateDir: dir, collectorId: "web-01" });
    const a = await signAll(first, makeEvents(3));
    const second = await Signer.open({ stateDir: dir, collectorId: "web-01" });
    const b = await signAll(second, makeEvents(2));
    expect(b[0]?.seq).toBe(3);
    expect(b[0]?.prev_hash).toBe(a[2]?.hash);
    // Simulate the crash: chain.json rolled back to before `b`, the spool holds b's last event.
    await writeFile(join(dir, "chain.json"), JSON.stringify({ version: 1, collector_id: "web-01", next_seq: 3, last_hash: a[2]?.hash }));
    const third = await Signer.open({ stateDir: dir, collectorId: "web-01", spoolTail: b[1] ?? null });
    const c = await signAll(third, makeEvents(1));
    const all = overTheWire([...a, ...b, ...c]);
    expect(verifyChain(all, first.keys.publicKey).results.every((r) => r.status.kind === "ok")).toBe(true);
    // Without the spool tail the stale state would fork: the test above can fail.
    await writeFile(join(dir, "chain.json"), JSON.stringify({ version: 1, collector_id: "web-01", next_seq: 3, last_hash: a[2]?.hash }));
    const blind = await Signer.open({ stateDir: dir, collectorId: "web-01" });
    const d = await signAll(blind, makeEvents(1));
    expect(verifyChain(overTheWire([...a, ...b, ...d]), first.keys.publicKey).results[5]?.status.kind).toBe("fork");
  });

  it("does not advance when the write fails (no seq consumed by an unstored event)", async () => {
    const signer = await Signer.open({ stateDir: dir, collectorId: "web-01" });
    await expect(signer.append(makeEvents(2), () => Promise.reject(new Error("spool full")))).rejects.toThrow("spool full");
    const s = await signAll(signer, makeEvents(1));
    expect(s[0]?.seq).toBe(0);
  });

  it("refuses a spool tail signed by another key", async () => {
    const other = await mkdtemp(join(tmpdir(), "sign-other-"));
    try {
      const foreign = await Signer.open({ stateDir: other, collectorId: "web-01" });
      const [tail] = await signAll(foreign, makeEvents(1));
      await expect(Signer.open({ stateDir: dir, collectorId: "web-01", spoolTail: tail ?? null })).rejects.toBeInstanceOf(ChainStateError);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  it("creates the private key 0600 and refuses to start when it is group or world readable", async () => {
    const signer = await Signer.open({ stateDir: dir, collectorId: "web-01" });
    const pub = await readFile(join(dir, "collector.pub"), "utf8");
    expect(importPublicKey(pub).equals(signer.keys.publicKey)).toBe(true);
    expect(importPublicKey(signer.keys.publicKeyRaw).equals(signer.keys.publicKey)).toBe(true);
    await chmod(join(dir, "collector.key"), 0o640);
    await expect(Signer.open({ stateDir: dir, collectorId: "web-01" })).rejects.toBeInstanceOf(KeyPermissionError);
    await chmod(join(dir, "collector.key"), 0o604);
    await expect(Signer.open({ stateDir: dir, collectorId: "web-01" })).rejects.toThrow(/chmod 600/);
  });

  it("property: any single-field tamper of any event is flagged, untouched events before it stay ok", async () => {
    const signer = await Signer.open({ stateDir: dir, collectorId: "web-01" });
    const chain = overTheWire(await signAll(signer, makeEvents(8)));
    const fields = ["actor_id", "host", "occurred_at", "seq", "prev_hash", "outcome", "command", "event_id"] as const;
    fc.assert(
      fc.property(fc.nat({ max: 7 }), fc.constantFrom(...fields), (index, field) => {
        const victim = chain[index];
        if (victim === undefined) return;
        const changed: Record<string, unknown> = { ...victim };
        const current = changed[field];
        changed[field] =
          field === "seq" ? (victim.seq ?? 0) + 100
          : field === "prev_hash" ? "e".repeat(64)
          : field === "occurred_at" ? "2001-01-01T00:00:00.000Z"
          : field === "outcome" ? (current === "failure" ? "success" : "failure")
          : `${String(current ?? "x")}-tampered`;
        const tampered = chain.map((e, i) => (i === index ? parseEventOrThrow(changed) : e));
        const kinds = verifyChain(tampered, signer.keys.publicKey).results.map((r) => r.status.kind);
        expect(kinds[index]).toBe("bad-signature");
        expect(kinds.slice(0, index).every((k) => k === "ok")).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it("property: dropping, duplicating and swapping events is reported as gap, duplicate and late, never as ok in the wrong place", async () => {
    const signer = await Signer.open({ stateDir: dir, collectorId: "web-01" });
    const chain = overTheWire(await signAll(signer, makeEvents(12)));
    fc.assert(
      fc.property(fc.array(fc.constantFrom("keep", "drop", "dup"), { minLength: 12, maxLength: 12 }), (ops) => {
        const delivered: AuditEvent[] = [];
        ops.forEach((op, i) => {
          const e = chain[i];
          if (e === undefined || op === "drop") return;
          delivered.push(e);
          if (op === "dup") delivered.push(e);
        });
        const results = verifyChain(delivered, signer.keys.publicKey).results;
        let expectedSeq = 0;
        const seen = new Set<number>();
        results.forEach((r, i) => {
          const seq = delivered[i]?.seq ?? -1;
          if (seen.has(seq)) expect(r.status.kind).toBe("duplicate");
          else if (seq === expectedSeq) expect(r.status.kind).toBe("ok");
          else expect(r.status).toEqual({ kind: "gap", expected: expectedSeq, got: seq });
          seen.add(seq);
          expectedSeq = Math.max(expectedSeq, seq + 1);
        });
      }),
      { numRuns: 300 },
    );
  });
});

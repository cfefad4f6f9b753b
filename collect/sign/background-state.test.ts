import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseEventOrThrow, type AuditEvent } from "../../schemas";
import { makeEvents } from "../../test/factories/events";
import { Signer, verifyChain } from ".";
import { CHAIN_STATE_FILE } from "./chain-state";

/**
 * Signer({ backgroundChainState }), the collector daemon's mode: chain.json is
 * written after an append resolves, coalesced to the newest tip. What must
 * hold: after flush() the file names the tip; a signer opened in the same
 * process sees the newest tip; a chain.json left behind (the crash this mode
 * accepts) continues from the spool tail without a fork or a gap.
 */
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "sign-bg-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const appendAll = (signer: Signer, events: AuditEvent[]) => signer.append(events, async (signed) => signed);
const wire = (events: AuditEvent[]) => events.map((e) => parseEventOrThrow(JSON.parse(JSON.stringify(e))));
const stateOnDisk = async () => JSON.parse(await readFile(join(dir, CHAIN_STATE_FILE), "utf8")) as { next_seq: number; last_hash: string };

describe("background chain state", () => {
  it("coalesces many appends into the newest tip, on disk once flush resolves", async () => {
    const signer = await Signer.open({ stateDir: dir, collectorId: "web-01", backgroundChainState: true });
    const batches = await Promise.all(Array.from({ length: 20 }, () => appendAll(signer, makeEvents(3))));
    await signer.flush();
    const last = batches.at(-1)?.at(-1);
    expect(await stateOnDisk()).toMatchObject({ next_seq: 60, last_hash: last?.hash });
  });

  it("a signer opened in the same process continues after the newest tip, not a stale file", async () => {
    const first = await Signer.open({ stateDir: dir, collectorId: "web-01", backgroundChainState: true });
    const a = await appendAll(first, makeEvents(4));
    const second = await Signer.open({ stateDir: dir, collectorId: "web-01", backgroundChainState: true });
    const b = await appendAll(second, makeEvents(2));
    expect(b[0]?.seq).toBe(4);
    expect(verifyChain(wire([...a, ...b]), first.keys.publicKey).results.every((r) => r.status.kind === "ok")).toBe(true);
  });

  it("a chain.json behind the spool (killed before the background write) continues after the spool tail: no fork, no gap", async () => {
    const first = await Signer.open({ stateDir: dir, collectorId: "web-01", backgroundChainState: true });
    const a = await appendAll(first, makeEvents(3));
    await first.flush();
    const b = await appendAll(first, makeEvents(3));
    await first.flush();
    // The crash: b is in the spool, chain.json still says "after a".
    await writeFile(join(dir, CHAIN_STATE_FILE), JSON.stringify({ version: 1, collector_id: "web-01", next_seq: 3, last_hash: a[2]?.hash }));
    const restarted = await Signer.open({ stateDir: dir, collectorId: "web-01", backgroundChainState: true, spoolTail: b[2] ?? null });
    const c = await appendAll(restarted, makeEvents(2));
    expect(c[0]?.seq).toBe(6);
    expect(verifyChain(wire([...a, ...b, ...c]), first.keys.publicKey).results.map((r) => r.status.kind)).toEqual(Array(8).fill("ok"));
  });
});

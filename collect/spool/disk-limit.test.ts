import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SpoolClosedError, SpoolFullError, SpoolRecordTooLargeError } from "./errors";
import { Spool } from "./spool";
import { captureLog, quietLog, rec, tempDir, unacked } from "./testdata/helpers";

let dir = "";
let cleanup = async (): Promise<void> => undefined;
beforeEach(async () => ({ dir, cleanup } = await tempDir("limit")));
afterEach(() => cleanup());

// 20-byte payloads → 28-byte frames; 3 per 100-byte segment; limit 200 bytes.
const payload = (i: number): Buffer => rec(String(i).padStart(20, "0"));
const opts = () => ({ dir, segmentBytes: 100, maxBytes: 200 });

describe("disk limit", () => {
  it("refuses with a typed error at the limit, drops nothing, and accepts again once acks free space", async () => {
    const { log, lines } = captureLog();
    const spool = await Spool.open(opts(), { log });
    const events: string[] = [];
    spool.on("full", () => events.push("full"));
    spool.on("space", () => events.push("space"));
    let accepted = 0;
    for (;;) {
      const err = await spool.append(payload(accepted)).then(() => null, (e: unknown) => e);
      if (err !== null) {
        expect(err).toBeInstanceOf(SpoolFullError);
        expect(err).toMatchObject({ usedBytes: 196, limitBytes: 200, neededBytes: 28 });
        break;
      }
      accepted += 1;
    }
    expect(accepted).toBe(7);
    await expect(spool.append(payload(99))).rejects.toBeInstanceOf(SpoolFullError);
    // logged loudly, once per episode, with the numbers
    const fullLines = lines.filter((l) => l.msg.startsWith("spool full"));
    expect(fullLines).toHaveLength(1);
    expect(fullLines[0]).toMatchObject({ level: 50, used_bytes: 196, limit_bytes: 200 });
    expect(spool.stats().full).toBe(true);
    expect(await unacked(spool)).toEqual(Array.from({ length: 7 }, (_, i) => payload(i).toString()));

    let spaceFreed = false;
    const waiting = spool.waitForSpace(28).then(() => (spaceFreed = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(spaceFreed).toBe(false);
    const batch = await spool.readBatch({ maxRecords: 3 });
    await spool.ack(batch?.endSeq ?? -1);
    await waiting;
    expect(events).toEqual(["full", "space"]);
    expect(spool.stats()).toMatchObject({ full: false, usedBytes: 112 });

    await spool.append(payload(7));
    expect(await unacked(spool)).toEqual([3, 4, 5, 6, 7].map((i) => payload(i).toString()));
    await spool.close();
  });

  it("rejects what can never fit instead of waiting forever", async () => {
    const spool = await Spool.open(opts(), { log: quietLog() });
    await expect(spool.append(Buffer.alloc(93))).rejects.toBeInstanceOf(SpoolRecordTooLargeError);
    await expect(spool.append(Array.from({ length: 8 }, (_, i) => payload(i)))).rejects.toBeInstanceOf(SpoolRecordTooLargeError);
    await expect(spool.waitForSpace(201)).rejects.toBeInstanceOf(SpoolRecordTooLargeError);
    expect(spool.stats().nextSeq).toBe(0);
    await spool.close();
  });

  it("waitForSpace rejects when the spool closes", async () => {
    const spool = await Spool.open(opts(), { log: quietLog() });
    for (let i = 0; i < 7; i++) await spool.append(payload(i));
    const outcome = spool.waitForSpace(28).then(() => null, (e: unknown) => e);
    await spool.close();
    expect(await outcome).toBeInstanceOf(SpoolClosedError);
  });
});

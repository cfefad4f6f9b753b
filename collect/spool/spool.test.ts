import { readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SpoolClosedError, SpoolError, SpoolLockedError } from "./errors";
import { Spool } from "./spool";
import { captureLog, quietLog, readAll, rec, tempDir, unacked } from "./testdata/helpers";

let dir = "";
let cleanup = async (): Promise<void> => undefined;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

const open = (extra: Partial<Parameters<typeof Spool.open>[0]> = {}): Promise<Spool> =>
  Spool.open({ dir, segmentBytes: 256, maxBytes: 64 * 1024, ...extra }, { log: quietLog() });
const segFiles = async (): Promise<string[]> => (await readdir(dir)).filter((n) => n.endsWith(".seg"));

describe("spool", () => {
  it("round-trips records in order with consecutive sequence numbers", async () => {
    const spool = await open();
    expect(await spool.append(rec("a"))).toEqual({ firstSeq: 0, endSeq: 1 });
    expect(await spool.append([rec("b"), rec("c")])).toEqual({ firstSeq: 1, endSeq: 3 });
    const batch = await spool.readBatch();
    expect(batch?.records.map(String)).toEqual(["a", "b", "c"]);
    expect(batch).toMatchObject({ firstSeq: 0, endSeq: 3, bytes: 3 });
    expect(await spool.readBatch()).toBeNull();
    await spool.close();
  });

  it("ack removes records: they are not read again, even after reopening", async () => {
    let spool = await open();
    await spool.append(["1", "2", "3", "4"].map(rec));
    const first = await spool.readBatch({ maxRecords: 2 });
    expect(first?.records.map(String)).toEqual(["1", "2"]);
    await spool.ack(first?.endSeq ?? -1);
    expect(await unacked(spool)).toEqual(["3", "4"]);
    await spool.close();
    spool = await open();
    expect(await readAll(spool)).toEqual(["3", "4"]);
    expect(spool.stats()).toMatchObject({ ackedSeq: 2, nextSeq: 4 });
    await spool.append(rec("5"));
    expect(await readAll(spool)).toEqual(["5"]);
    await spool.close();
  });

  it("resumes from the cursor after restart: unacked records are resent, acked ones are not", async () => {
    let spool = await open();
    await spool.append(Array.from({ length: 30 }, (_, i) => rec(i)));
    const b1 = await spool.readBatch({ maxRecords: 10 });
    await spool.ack(b1?.endSeq ?? -1);
    await spool.readBatch({ maxRecords: 10 }); // read, published maybe, never acked
    await spool.close();
    spool = await open();
    expect(await readAll(spool)).toEqual(Array.from({ length: 20 }, (_, i) => String(i + 10)));
    await spool.close();
  });

  it("rolls segments at segmentBytes and deletes fully acknowledged ones", async () => {
    const spool = await open({ segmentBytes: 100 });
    // each frame is 8 + 20 = 28 bytes: 3 per 100-byte segment
    for (let i = 0; i < 10; i++) await spool.append(Buffer.from(String(i).padStart(20, "0")));
    expect(await segFiles()).toHaveLength(4);
    expect(spool.stats().usedBytes).toBe(280);
    // a batch never spans segments: 3 + 3 + 1 records
    let end = 0;
    while (end < 7) end = (await spool.readBatch({ maxRecords: 7 - end }))?.endSeq ?? -1;
    await spool.ack(end);
    // records 0..6 acked: segments [0-2] and [3-5] go, [6-8] keeps an unacked record
    expect((await segFiles()).sort()).toEqual(["00000000000000000006.seg", "00000000000000000009.seg"]);
    expect(spool.stats().usedBytes).toBe(112);
    await spool.ack((await spool.readBatch())?.endSeq ?? -1);
    // the active segment stays (it is being written) even when fully acked
    expect(await segFiles()).toEqual(["00000000000000000009.seg"]);
    await spool.close();
  });

  it("keeps a record larger than the read budget readable on its own", async () => {
    const spool = await open({ segmentBytes: 4096 });
    await spool.append([Buffer.alloc(1000, 1), rec("small")]);
    const b = await spool.readBatch({ maxBytes: 10 });
    expect(b?.records[0]?.length).toBe(1000);
    expect(b?.records).toHaveLength(1);
    await spool.close();
  });

  it("refuses to ack records that were not read, and rejects after close", async () => {
    const spool = await open();
    await spool.append(rec("x"));
    await expect(spool.ack(1)).rejects.toBeInstanceOf(SpoolError);
    await spool.close();
    await expect(spool.append(rec("y"))).rejects.toBeInstanceOf(SpoolClosedError);
  });

  it("close lets queued appends finish first", async () => {
    const spool = await open({ fsync: "interval", fsyncIntervalMs: 10_000 });
    const pending = spool.append(rec("queued"));
    await spool.close();
    await pending;
    const again = await open();
    expect(await readAll(again)).toEqual(["queued"]);
    await again.close();
  });

  it("names the bad option key", async () => {
    await expect(open({ maxBytes: 100 })).rejects.toThrow(/maxBytes/);
  });

  it("takes an exclusive lock; a second open fails while the owner lives", async () => {
    const spool = await open();
    await expect(open()).rejects.toBeInstanceOf(SpoolLockedError);
    await spool.close();
    const again = await open();
    await again.close();
  });

  it("takes over a stale lock left by a dead process, and logs it", async () => {
    const first = await open();
    await first.close();
    await writeFile(join(dir, "spool.lock"), "2147483646\n"); // no such pid
    const { log, lines } = captureLog();
    const spool = await Spool.open({ dir, segmentBytes: 256, maxBytes: 1024 }, { log });
    expect(lines.find((l) => l.msg.includes("stale spool lock"))).toMatchObject({ stale_pid: 2147483646 });
    await spool.close();
  });
});

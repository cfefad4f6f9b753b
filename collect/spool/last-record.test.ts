import { appendFile, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Spool } from "./spool";
import { quietLog, readAll, rec, tempDir } from "./testdata/helpers";

let dir = "";
let cleanup = async (): Promise<void> => undefined;
beforeEach(async () => ({ dir, cleanup } = await tempDir("last")));
afterEach(() => cleanup());

const open = (): Promise<Spool> => Spool.open({ dir, segmentBytes: 64, maxBytes: 64 * 1024 }, { log: quietLog() });

describe("spool.lastRecord", () => {
  it("is null for a new spool, then the newest record across segment rolls and reopen", async () => {
    let spool = await open();
    expect(await spool.lastRecord()).toBeNull();
    for (let i = 0; i < 20; i++) await spool.append(rec(`record-${i}`));
    expect((await readdir(dir)).filter((n) => n.endsWith(".seg")).length).toBeGreaterThan(2);
    expect(String(await spool.lastRecord())).toBe("record-19");
    await spool.close();
    spool = await open();
    expect(String(await spool.lastRecord())).toBe("record-19");
    await spool.close();
  });

  it("survives every record being acknowledged (the last segment is kept)", async () => {
    const spool = await open();
    for (let i = 0; i < 12; i++) await spool.append(rec(`r${i}`));
    expect(await readAll(spool, 100)).toHaveLength(12);
    await spool.ack(12);
    expect(String(await spool.lastRecord())).toBe("r11");
    await spool.close();
  });

  it("ignores a torn record at the end (crash mid-write)", async () => {
    let spool = await open();
    await spool.append([rec("a"), rec("b")]);
    await spool.close();
    const segs = (await readdir(dir)).filter((n) => n.endsWith(".seg")).sort();
    const last = join(dir, segs.at(-1) ?? "");
    const before = (await stat(last)).size;
    // A frame header announcing 50 bytes of which only 3 arrived.
    const torn = Buffer.alloc(11);
    torn.writeUInt32LE(50, 0);
    await appendFile(last, torn);
    expect((await stat(last)).size).toBe(before + 11);
    spool = await open();
    expect(String(await spool.lastRecord())).toBe("b");
    await spool.close();
  });
});

import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SpoolCorruptError } from "./errors";
import { FRAME_HEADER_BYTES } from "./frame";
import { Spool } from "./spool";
import { captureLog, quietLog, readAll, rec, tempDir } from "./testdata/helpers";

let dir = "";
let cleanup = async (): Promise<void> => undefined;
beforeEach(async () => ({ dir, cleanup } = await tempDir("torn")));
afterEach(() => cleanup());

const opts = () => ({ dir, segmentBytes: 200, maxBytes: 64 * 1024 });
const RECORDS = Array.from({ length: 12 }, (_, i) => `record-${String(i).padStart(2, "0")}-${"x".repeat(i)}`);
const SEG0 = "00000000000000000000.seg";
const SEG1 = "00000000000000000009.seg";

/** Writes RECORDS, returns each segment file's bytes by name. */
async function writeFixture(): Promise<Map<string, Buffer>> {
  const spool = await Spool.open(opts(), { log: quietLog() });
  for (const r of RECORDS) await spool.append(rec(r));
  await spool.close();
  const files = new Map<string, Buffer>();
  for (const s of (await readdir(dir)).filter((n) => n.endsWith(".seg")).sort()) files.set(s, await readFile(join(dir, s)));
  return files;
}

async function restore(files: Map<string, Buffer>, edit: (name: string, buf: Buffer) => Buffer): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  for (const [name, buf] of files) await writeFile(join(dir, name), edit(name, Buffer.from(buf)));
}

describe("torn tail and corruption", () => {
  it("fixture: 12 records in two segments (9 + 3)", async () => {
    const files = await writeFixture();
    expect([...files.keys()]).toEqual([SEG0, SEG1]);
  });

  it("cut at every byte of the last record: complete records survive, tail is dropped, appends continue", async () => {
    const files = await writeFixture();
    const lastName = SEG1;
    const last = files.get(lastName) ?? Buffer.alloc(0);
    const lastRecord = RECORDS.at(-1) ?? "";
    const recordStart = last.length - FRAME_HEADER_BYTES - lastRecord.length;
    for (let cut = recordStart; cut < last.length; cut++) {
      await restore(files, (name, buf) => (name === lastName ? buf.subarray(0, cut) : buf));
      const { log, lines } = captureLog();
      const spool = await Spool.open(opts(), { log });
      expect(await readAll(spool), `cut at ${cut}`).toEqual(RECORDS.slice(0, -1));
      if (cut > recordStart) {
        expect(lines.find((l) => l.msg.startsWith("truncated torn record"))).toMatchObject({
          file: join(dir, lastName), offset: recordStart, dropped_bytes: cut - recordStart,
        });
      }
      expect((await stat(join(dir, lastName))).size).toBe(recordStart);
      expect(await spool.append(rec("after"))).toEqual({ firstSeq: 11, endSeq: 12 });
      expect(await readAll(spool)).toEqual(["after"]);
      await spool.close();
      const again = await Spool.open(opts(), { log: quietLog() });
      expect(await readAll(again)).toEqual([...RECORDS.slice(0, -1), "after"]);
      await again.close();
    }
  });

  it("a bad checksum on the last record (power-cut garbage) is a tear", async () => {
    const files = await writeFixture();
    await restore(files, (name, buf) => {
      if (name !== SEG0) buf[buf.length - 1] = (buf[buf.length - 1] ?? 0) ^ 0xff;
      return buf;
    });
    const spool = await Spool.open(opts(), { log: quietLog() });
    expect(await readAll(spool)).toEqual(RECORDS.slice(0, -1));
    await spool.close();
  });

  it("a bad checksum mid-segment is corruption: typed error naming file and offset, file untouched", async () => {
    const files = await writeFixture();
    const secondRecord = FRAME_HEADER_BYTES + (RECORDS[0]?.length ?? 0);
    await restore(files, (name, buf) => {
      if (name === SEG0) buf[secondRecord + FRAME_HEADER_BYTES + 2] = 0x21;
      return buf;
    });
    const err = await Spool.open(opts(), { log: quietLog() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SpoolCorruptError);
    expect(err).toMatchObject({ file: join(dir, SEG0), offset: secondRecord });
    expect(String(err)).toContain(".corrupt");
    expect((await stat(join(dir, SEG0))).size).toBe(files.get(SEG0)?.length);
  });

  it("a short record at the end of a non-last segment is corruption, not a tear", async () => {
    const files = await writeFixture();
    await restore(files, (name, buf) => (name === SEG0 ? buf.subarray(0, buf.length - 3) : buf));
    await expect(Spool.open(opts(), { log: quietLog() })).rejects.toBeInstanceOf(SpoolCorruptError);
  });

  it("the documented remedy works: a segment renamed .corrupt is skipped, the rest ships", async () => {
    const files = await writeFixture();
    await restore(files, (name, buf) => {
      if (name === SEG0) buf[20] = (buf[20] ?? 0) ^ 1;
      return buf;
    });
    await expect(Spool.open(opts(), { log: quietLog() })).rejects.toBeInstanceOf(SpoolCorruptError);
    await rename(join(dir, SEG0), join(dir, `${SEG0}.corrupt`));
    const spool = await Spool.open(opts(), { log: quietLog() });
    expect(await readAll(spool)).toEqual(RECORDS.slice(9));
    await spool.close();
  });
});

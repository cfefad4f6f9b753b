import { appendFile, copyFile, mkdtemp, open, readFile, rename, rm, truncate, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Tailer } from ".";
import { collect, exactlyOnce, expectedTexts, lines, quiet, writeLines } from "./testdata/harness";

let dir: string;
let log: string;
let stateFile: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "tail-"));
  log = join(dir, "auth.log");
  stateFile = join(dir, "auth.log.offsets.json");
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("Tailer", () => {
  it("the oracle fails on a planted duplicate and on a missing line", () => {
    const expected = expectedTexts("a", 0, 3);
    expect(exactlyOnce(expected, expected)).toEqual([]);
    expect(exactlyOnce(expected, [...expected, expected[1] ?? ""])).toHaveLength(1);
    expect(exactlyOnce(expected, expected.slice(1))).toHaveLength(1);
  });

  it("holds a partial last line until its newline arrives, and resumes from the committed offset", async () => {
    await writeFile(log, "first\nsecond-part");
    const first = await collect({ path: log, stateFile }, 1);
    expect(first.map((l) => l.text)).toEqual(["first"]);
    await writeFile(log, "first\nsecond-part-completed\nthird\n");
    const second = await collect({ path: log, stateFile }, 2);
    expect(second.map((l) => l.text)).toEqual(["second-part-completed", "third"]);
    expect(second[0]?.offset).toBe(6);
  });

  it("rename rotation mid-stream: finishes the old inode, then reads the new file from 0", async () => {
    await writeLines(log, "old", 0, 50);
    let rotated = false;
    const got = await collect({ path: log, stateFile, maxBatchLines: 10 }, 150, async (sofar) => {
      if (rotated || sofar.length < 20) return;
      rotated = true;
      await writeLines(log, "old", 50, 100); // written before rotation, not yet read
      await rename(log, `${log}.1`);
      await writeLines(log, "new", 0, 50);
    });
    expect(exactlyOnce([...expectedTexts("old", 0, 100), ...expectedTexts("new", 0, 50)], got.map((l) => l.text))).toEqual([]);
  });

  it("rename rotation while the writer still appends to the old inode (before its HUP): those lines arrive too", async () => {
    const writer = await open(log, "a");
    await writer.write(lines("old", 0, 30));
    let step = 0;
    const got = await collect({ path: log, stateFile, maxBatchLines: 10, rotateGraceMs: 3000 }, 80, async (sofar) => {
      if (step === 0 && sofar.length >= 10) {
        step = 1;
        await rename(log, `${log}.1`);
        await writeLines(log, "new", 0, 30);
        await writer.write(lines("old", 30, 50)); // the old descriptor: lands in auth.log.1
      }
    });
    await writer.close();
    expect(exactlyOnce([...expectedTexts("old", 0, 50), ...expectedTexts("new", 0, 30)], got.map((l) => l.text))).toEqual([]);
  });

  it("copytruncate: the copy's unread rest is read, then the truncated file from 0", async () => {
    await writeLines(log, "old", 0, 40);
    let truncated = false;
    const got = await collect({ path: log, stateFile, maxBatchLines: 10 }, 110, async (sofar) => {
      if (truncated || sofar.length < 20) return;
      truncated = true;
      await writeLines(log, "old", 40, 80);
      await copyFile(log, `${log}.1`);
      await truncate(log, 0);
      await writeLines(log, "new", 0, 30);
    });
    expect(exactlyOnce([...expectedTexts("old", 0, 80), ...expectedTexts("new", 0, 30)], got.map((l) => l.text))).toEqual([]);
  });

  it("a restart after two rotations (one compressed) catches up without resending", async () => {
    await writeLines(log, "day1", 0, 100);
    const first = await collect({ path: log, stateFile }, 100);
    expect(first).toHaveLength(100);
    // While stopped: day1 gets 20 more lines, rotates (.1), then is compressed to .2.gz by the next rotation.
    await writeLines(log, "day1", 100, 120);
    await rename(log, `${log}.1`);
    await writeLines(log, "day2", 0, 60);
    const day1 = await readFile(`${log}.1`);
    await writeFile(`${log}.2.gz`, await promisify(gzip)(day1));
    await rm(`${log}.1`);
    await rename(log, `${log}.1`);
    await writeLines(log, "day3", 0, 10);
    // Rotated files keep their mtimes (all after the first run): the oldest is day1.
    const now = Date.now() / 1000;
    await utimes(`${log}.2.gz`, now + 1, now + 1);
    await utimes(`${log}.1`, now + 2, now + 2);
    await utimes(log, now + 3, now + 3);
    // An older rotated file from before the agent ever ran: history, not to be read.
    await writeFile(`${log}.3.gz`, await promisify(gzip)(Buffer.from(lines("ancient", 0, 5))));
    await utimes(`${log}.3.gz`, now - 864000, now - 864000);
    const second = await collect({ path: log, stateFile }, 90);
    const texts = second.map((l) => l.text);
    expect(exactlyOnce([...expectedTexts("day1", 100, 120), ...expectedTexts("day2", 0, 60), ...expectedTexts("day3", 0, 10)], texts)).toEqual([]);
    // Oldest first.
    expect(texts[0]).toContain("day1 line 100");
    expect(texts.at(-1)).toContain("day3 line 9");
    // A line keeps its identity through rotation and compression: day1's ids continue from the first run's file id.
    expect(second[0]?.fileId).toBe(first[0]?.fileId);
  });

  it("a file shorter than the fingerprint that grows keeps its identity and offset", async () => {
    await writeFile(log, "tiny\n");
    const a = await collect({ path: log, stateFile }, 1);
    await writeLines(log, "grow", 0, 100);
    const b = await collect({ path: log, stateFile }, 100);
    expect(b[0]?.text).toBe(expectedTexts("grow", 0, 1)[0]);
    expect(b[0]?.fileId).toBe(a[0]?.fileId);
    // Rotated after growing: still recognised, not resent.
    await rename(log, `${log}.1`);
    await writeFile(log, "after\n");
    const c = await collect({ path: log, stateFile }, 1);
    expect(c.map((l) => l.text)).toEqual(["after"]);
  });

  it("cuts an over-long line into truncated pieces", async () => {
    await writeFile(log, `${"y".repeat(2500)}\nshort\n`);
    const got = await collect({ path: log, stateFile, maxLineBytes: 1000 }, 4);
    expect(got.map((l) => [l.text.length, l.truncated])).toEqual([[1000, true], [1000, true], [500, false], [5, false]]);
  });
});

describe("Tailer first run", () => {
  it("startAt end skips the first file's existing content only; a file rotated in later is read whole", async () => {
    await writeLines(log, "before", 0, 10);
    const tailer = await Tailer.open({ path: log, stateFile, startAt: "end", pollIntervalMs: 30, log: quiet });
    const got: string[] = [];
    const timer = setTimeout(() => void tailer.close(), 20_000);
    const reading = (async () => {
      for await (const batch of tailer) {
        got.push(...batch.lines.map((l) => l.text));
        await batch.commit();
        if (got.length >= 10) break;
      }
    })();
    await writeLines(log, "live", 0, 5);
    for (let i = 0; i < 500 && got.length < 5; i++) await new Promise((r) => setTimeout(r, 20));
    await rename(log, `${log}.1`);
    await writeLines(log, "after", 0, 5);
    await reading;
    clearTimeout(timer);
    await tailer.close();
    expect(exactlyOnce([...expectedTexts("live", 0, 5), ...expectedTexts("after", 0, 5)], got)).toEqual([]);
  });
});

describe("Tailer resilience", () => {
  it("skips a corrupt rotated .gz with an error log and keeps following the live file", async () => {
    await writeLines(log, "a", 0, 3);
    await collect({ path: log, stateFile }, 3);
    await writeFile(`${log}.1.gz`, Buffer.from("this is not gzip"));
    await appendFile(log, "b\n");
    const got = await collect({ path: log, stateFile }, 1);
    expect(got.map((l) => l.text)).toEqual(["b"]);
  });
});

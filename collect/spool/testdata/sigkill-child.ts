/**
 * Fixture for sigkill.test.ts — a collector that the test SIGKILLs at random.
 * Usage: node --import tsx sigkill-child.ts <spoolDir> <outDir> <round>
 * It appends ids `round:0`, `round:1`, … in random batches (fsync always) and
 * logs each id to <outDir>/resolved.log only after its append resolved. A real
 * shipper publishes to a flaky fake sink that writes each confirmed batch as
 * `round id,id,…` to <outDir>/delivered.log before resolving. Both logs use
 * synchronous writes, so a line is in the page cache (which survives SIGKILL)
 * before the next step runs.
 */
import { openSync, writeSync } from "node:fs";
import { join } from "node:path";
import { createLogger } from "../../../lib/log";
import { SpoolFullError } from "../errors";
import { createShipper } from "../shipper";
import { Spool } from "../spool";

const [spoolDir, outDir, roundArg] = process.argv.slice(2);
if (spoolDir === undefined || outDir === undefined || roundArg === undefined) {
  throw new Error("usage: sigkill-child.ts <spoolDir> <outDir> <round>");
}
const round = Number(roundArg);
const log = createLogger("sigkill-child", "silent");
const spool = await Spool.open({ dir: spoolDir, segmentBytes: 1024, maxBytes: 8192, fsync: "always" }, { log });
const resolvedFd = openSync(join(outDir, "resolved.log"), "a");
const deliveredFd = openSync(join(outDir, "delivered.log"), "a");

const shipper = createShipper({
  spool, log, decode: (b) => b.toString(), maxBatchRecords: 7, backoff: { initialMs: 1, maxMs: 5 },
  publish: async (ids) => {
    if (Math.random() < 0.15) throw new Error("flaky sink");
    writeSync(deliveredFd, `${round} ${ids.join(",")}\n`);
  },
});
shipper.start().catch((err: unknown) => {
  process.stderr.write(`shipper failed: ${String(err)}\n`);
  process.exit(3);
});
process.stdout.write("ready\n");

for (let i = 0; ; ) {
  const ids = Array.from({ length: 1 + Math.floor(Math.random() * 4) }, (_, k) => `${round}:${i + k}`);
  const payloads = ids.map((id) => Buffer.from(id));
  try {
    await spool.append(payloads);
  } catch (err) {
    if (!(err instanceof SpoolFullError)) throw err;
    await spool.waitForSpace(err.neededBytes);
    continue; // nothing was written: retry the same ids
  }
  writeSync(resolvedFd, ids.map((id) => `${id}\n`).join(""));
  i += ids.length;
}

/**
 * Spool append throughput per fsync policy, as ratios to `never` measured in
 * the same run (absolute numbers depend on the disk; ratios show the cost).
 * Usage: npx tsx bench/spool/run.ts [seconds-per-case=1.5] [dir=os.tmpdir()]
 * Use a dir on the collector's real disk: tmpfs makes fsync free.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger } from "../../lib/log";
import type { FsyncPolicy } from "../../collect/spool/config";
import { Spool } from "../../collect/spool/spool";
import { printBenchLine, type BenchRow } from "../lib/report";

const seconds = Number(process.argv[2] ?? 1.5);
const root = await mkdtemp(join(process.argv[3] ?? tmpdir(), "prodtrail-spool-bench-"));
const log = createLogger("spool-bench", "silent");
const record = Buffer.alloc(200, 0x61); // a typical redacted audit event is 150–400 bytes of JSON

async function measure(policy: FsyncPolicy, batch: number): Promise<number> {
  const dir = join(root, `${policy}-${batch}`);
  const spool = await Spool.open({ dir, fsync: policy, fsyncIntervalMs: 1000, maxBytes: 4 * 1024 ** 3, segmentBytes: 64 * 1024 ** 2 }, { log });
  const payloads = Array.from({ length: batch }, () => record);
  let records = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    await spool.append(payloads);
    records += batch;
  }
  const elapsed = (performance.now() - start) / 1000;
  await spool.close();
  await rm(dir, { recursive: true, force: true });
  return records / elapsed;
}

const benchRows: BenchRow[] = [];
try {
  console.log(`spool append throughput, 200-byte records, ${seconds}s per case, dir ${root}`);
  for (const batch of [1, 100]) {
    const never = await measure("never", batch);
    for (const policy of ["never", "interval", "always"] as const) {
      const rate = policy === "never" ? never : await measure(policy, batch);
      if (policy !== "never") benchRows.push({ figure: `append, batch ${batch}, fsync ${policy}`, value: rate, unit: "records/s", baseline: "fsync never, same batch", ratio: rate / never });
      console.log(
        `  batch ${String(batch).padStart(3)}  fsync ${policy.padEnd(8)} ${Math.round(rate).toString().padStart(9)} records/s  ` +
          `${(rate / never).toFixed(3)}x never`,
      );
    }
  }
  printBenchLine("spool", benchRows);
} finally {
  await rm(root, { recursive: true, force: true });
}

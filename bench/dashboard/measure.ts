/** p50/p95 of repeated runs after one warm-up; milliseconds. */
export interface Timing {
  name: string;
  p50: number;
  p95: number;
  runs: number;
}

/** Issue #13 item 4: every panel's server render within 100 ms at p95. */
export const TARGET_P95_MS = 100;

export async function measure(name: string, runs: number, fn: () => Promise<unknown>): Promise<Timing> {
  await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  // Nearest rank: with 10 runs p95 is the slowest, with 20 the second slowest.
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.ceil(q * samples.length) - 1)] ?? NaN;
  return { name, p50: at(0.5), p95: at(0.95), runs };
}

/** One row per measurement beside its same-run baseline, with the target mark. */
export function printTable(title: string, rows: ReadonlyArray<{ timing: Timing; baseline: Timing }>): void {
  console.log(`\n${title} (ms; baseline measured in the same run; target ≤ ${TARGET_P95_MS} ms p95)`);
  console.log(`${"name".padEnd(40)} ${"p50".padStart(8)} ${"p95".padStart(8)}  ${"baseline".padEnd(18)} ${"p50".padStart(7)} ${"p95".padStart(7)} ${"p95 ×".padStart(7)}  target`);
  for (const { timing: r, baseline: b } of rows) {
    const mark = r.p95 <= TARGET_P95_MS ? "ok" : "OVER";
    console.log(
      `${r.name.padEnd(40)} ${r.p50.toFixed(1).padStart(8)} ${r.p95.toFixed(1).padStart(8)}  ${b.name.padEnd(18)} ${b.p50.toFixed(1).padStart(7)} ${b.p95.toFixed(1).padStart(7)} ${(r.p95 / b.p95).toFixed(1).padStart(7)}  ${mark}`,
    );
  }
}

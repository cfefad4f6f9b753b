/** p50/p95 of repeated runs after one warm-up; milliseconds. */
export interface Timing {
  name: string;
  p50: number;
  p95: number;
  runs: number;
}

export async function measure(name: string, runs: number, fn: () => Promise<unknown>): Promise<Timing> {
  await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? NaN;
  return { name, p50: at(0.5), p95: at(0.95), runs };
}

export function printTable(title: string, rows: Timing[], baseline: Timing): void {
  console.log(`\n${title} (ms; ×baseline = p50 / ${baseline.name} p50 ${baseline.p50.toFixed(2)} ms, same run)`);
  console.log(`${"name".padEnd(52)} ${"p50".padStart(9)} ${"p95".padStart(9)} ${"×baseline".padStart(10)} runs`);
  for (const r of rows) console.log(`${r.name.padEnd(52)} ${r.p50.toFixed(1).padStart(9)} ${r.p95.toFixed(1).padStart(9)} ${(r.p50 / baseline.p50).toFixed(1).padStart(10)} ${r.runs}`);
}

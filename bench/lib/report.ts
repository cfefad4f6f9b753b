import { z } from "zod";

/**
 * The one line every bench prints last, so `npm run bench` (bench/all.mts)
 * can collect figures without parsing prose:
 *
 *   BENCH {"name":"store-write","rows":[{"figure":"insertEvents","value":91000,"unit":"rows/s","baseline":"engine JSONEachRow file insert","ratio":0.56,"target":">= 0.50x"}]}
 *
 * A bench that has not adopted `rows` yet may print any flat JSON object
 * with a `name`; the summary then lists its numeric fields one per row.
 */
export const benchRowSchema = z.object({
  figure: z.string().min(1),
  value: z.number(),
  unit: z.string().default(""),
  /** What the ratio is against, measured in the same run. */
  baseline: z.string().optional(),
  ratio: z.number().optional(),
  /** The issue's target, in words (">= 0.50x", "<= 100 ms p95"). */
  target: z.string().optional(),
  /** Whether the target is met, when the bench can tell. */
  met: z.boolean().optional(),
});
export type BenchRow = z.input<typeof benchRowSchema>;

export const benchLineSchema = z.looseObject({ name: z.string().min(1), rows: z.array(benchRowSchema).optional() });
export type BenchLine = z.infer<typeof benchLineSchema>;

export const BENCH_PREFIX = "BENCH ";

/** Prints the machine-readable line (last line of a bench's output). */
export function printBenchLine(name: string, rows: readonly BenchRow[]): void {
  console.log(`${BENCH_PREFIX}${JSON.stringify({ name, rows: rows.map((r) => benchRowSchema.parse(r)) })}`);
}

/** Rows of one BENCH line: its `rows`, or its flat numeric fields when it has none. */
export function rowsOf(line: BenchLine): z.infer<typeof benchRowSchema>[] {
  if (line.rows) return line.rows;
  return Object.entries(line).flatMap(([key, value]) =>
    typeof value === "number" ? [{ figure: key, value, unit: "" }] : [],
  );
}

/** Every BENCH line in a bench's output; a malformed one is an error naming the bench. */
export function parseBenchOutput(output: string, bench: string): BenchLine[] {
  return output
    .split("\n")
    .filter((l) => l.startsWith(BENCH_PREFIX))
    .map((l) => {
      let json: unknown;
      try {
        json = JSON.parse(l.slice(BENCH_PREFIX.length));
      } catch (error) {
        throw new Error(`${bench}: its BENCH line is not JSON (${error instanceof Error ? error.message : String(error)})`, { cause: error });
      }
      const parsed = benchLineSchema.safeParse(json);
      if (!parsed.success) throw new Error(`${bench}: its BENCH line is not a bench report: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
      return parsed.data;
    });
}

import { z } from "zod";

/**
 * The `integrity:` section of prodtrail.yaml: how often `serve` and `ingest`
 * verify collectors' signed streams (ingest/integrity). 30 s: a tampered or
 * missing event shows up as a finding within a minute of arriving, at the
 * cost of a few small reads per collector per round.
 */
export const integrityConfigSchema = z.strictObject({
  /** Seconds between rounds; 0 disables the job in that process (`prodtrail verify` still works). */
  interval_s: z.number().int().min(0).max(86_400).default(30),
  /** Events verified per collector per round (bounds each round's memory and time). */
  batch: z.number().int().min(100).max(100_000).default(10_000),
});

export type IntegrityConfig = z.output<typeof integrityConfigSchema>;

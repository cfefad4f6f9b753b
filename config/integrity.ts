import { z } from "zod";

/**
 * Clock skew (issue #9): an event stamped far from when it arrived is stored
 * (it is evidence) but flagged, or it would sit silently outside every
 * default time range. 300 s ahead: NTP-synced hosts are within a second, so
 * minutes ahead is a wrong clock. 31 days behind: a collector's spool
 * legitimately ships a backlog after an outage, and the demo backfills 14
 * days; older than a month is a wrong clock or a replay. codebase.commit
 * events are exempt: their time is the commit's, years old for a history
 * indexed the first time.
 */
export const clockSkewConfigSchema = z.strictObject({
  /** Seconds occurred_at may be ahead of the receive time; 0 disables the check. */
  future_s: z.number().int().min(0).max(31_536_000).default(300),
  /** Seconds occurred_at may be behind the receive time; 0 disables the check. */
  past_s: z.number().int().min(0).max(3_153_600_000).default(31 * 86_400),
});

export type ClockSkewConfig = z.output<typeof clockSkewConfigSchema>;

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
  clock_skew: clockSkewConfigSchema.default(clockSkewConfigSchema.parse({})),
});

export type IntegrityConfig = z.output<typeof integrityConfigSchema>;

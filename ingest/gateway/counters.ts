/**
 * What the events gateway tells its process about each request's fate:
 * events accepted (durable downstream), or a batch refused and why. serve
 * turns these into /metrics counters and into /api/health's "accepted but
 * not reaching the store" check. Absent: nothing is counted (tests).
 */
export const REFUSAL_REASONS = [
  "method",
  "unauthorized",
  "media-type",
  "too-large",
  "invalid-utf8",
  "invalid-json",
  "invalid-batch",
  "server-only",
  "identity",
  "final-refusal",
  "sink-unavailable",
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

export interface GatewayCounters {
  accepted(events: number): void;
  /** `events`: how many the refused batch held, when the body was read far enough to tell. */
  refused(reason: RefusalReason, events?: number): void;
}

import { z } from "zod";

/**
 * `<rule>.fixtures.yml`, beside the rule: cases of events in → findings out.
 * `prodtrail detections test DIR` runs them, so users keep their rules in CI.
 *
 *   cases:
 *     - name: ten failures from one address
 *       window: { from: 2026-03-02T10:00:00Z, to: 2026-03-02T11:00:00Z }
 *       events:
 *         - { type: access.login_failed, at: 2026-03-02T10:01:00Z, source_ip: 203.0.113.5, repeat: 10, every_seconds: 20 }
 *       expect:
 *         - { source_ip: 203.0.113.5, evidence: 10 }
 */
const time = z.union([z.string(), z.date()]).transform((v, ctx) => {
  const d = v instanceof Date ? v : new Date(v);
  if (Number.isNaN(d.getTime())) {
    ctx.addIssue({ code: "custom", message: `not a timestamp: ${String(v)}` });
    return z.NEVER;
  }
  return d;
});

export const fixtureEventSchema = z
  .object({
    type: z.string(),
    at: time,
    /** When ingest received it (all repeats at once); default each event's own time. A late event says so. */
    received_at: time.optional(),
    repeat: z.number().int().min(1).max(10_000).default(1),
    every_seconds: z.number().min(0).default(60),
  })
  .catchall(z.unknown());
export type FixtureEvent = z.output<typeof fixtureEventSchema>;

export const expectationSchema = z.strictObject({
  actor_id: z.string().optional(),
  host: z.string().optional(),
  env: z.string().optional(),
  source_ip: z.string().optional(),
  /** Text the one-line summary contains. */
  summary: z.string().optional(),
  /** How many evidence events the finding names. */
  evidence: z.number().int().min(0).optional(),
});
export type Expectation = z.output<typeof expectationSchema>;

export const fixtureCaseSchema = z.strictObject({
  name: z.string().min(1),
  window: z.strictObject({ from: time, to: time }),
  /** Rule parameters for this case (e.g. a change window). */
  params: z.record(z.string(), z.union([z.string(), z.number(), z.array(z.string())])).default({}),
  events: z.array(fixtureEventSchema).default([]),
  /** Rows for other tables the rule reads (e.g. drift), inserted as given. */
  rows: z.strictObject({ drift: z.array(z.record(z.string(), z.unknown())).default([]) }).default({ drift: [] }),
  expect: z.array(expectationSchema),
});
export type FixtureCase = z.output<typeof fixtureCaseSchema>;

export const fixtureFileSchema = z.strictObject({
  /** The rule's id; default: the rule in the file of the same name without `.fixtures`. */
  rule: z.string().optional(),
  cases: z.array(fixtureCaseSchema).min(1),
});

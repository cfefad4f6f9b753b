import { z } from "zod";

/**
 * The `retention:` section of prodtrail.yaml (issue #15): how long each
 * event category is kept, applied as ClickHouse TTLs on `events`
 * (store/retention.ts). Unset categories are kept forever: deleting audit
 * data is never a default.
 *
 * The floor: PCI DSS 10.5.1 (v4.0) keeps audit logs at least 12 months
 * with the last 3 immediately available; SOX work papers are kept 7 years.
 * A retention below `floor_days` (365 unless lowered on purpose) is refused
 * at start-up, naming the category, so a typo ("40d" for "400d") cannot
 * delete eleven months of evidence.
 */
export const RETENTION_CATEGORIES = ["access", "change", "deploy", "codebase", "audit"] as const;
export type RetentionCategory = (typeof RETENTION_CATEGORIES)[number];

const UNITS = { s: 1, m: 60, h: 3_600, d: 86_400, w: 7 * 86_400, y: 365 * 86_400 } as const;
export type DurationUnit = keyof typeof UNITS;

/** "400d", "7y", "90s" (tests), or "forever". */
export const retentionDurationSchema = z
  .string()
  .regex(/^(forever|[1-9]\d{0,5}[smhdwy])$/, { message: 'must be a whole number and a unit (s, m, h, d, w, y), e.g. "400d" or "7y", or "forever"' })
  .transform((text) => (text === "forever" ? ("forever" as const) : { amount: Number(text.slice(0, -1)), unit: text.slice(-1) as DurationUnit, text }));
export type RetentionDuration = z.output<typeof retentionDurationSchema>;

/** Seconds in a duration (a year as 365 days: the floor check only needs to be conservative). */
export function durationSeconds(d: Exclude<RetentionDuration, "forever">): number {
  return d.amount * UNITS[d.unit];
}

export const retentionConfigSchema = z
  .strictObject({
    access: retentionDurationSchema.default("forever"),
    change: retentionDurationSchema.default("forever"),
    deploy: retentionDurationSchema.default("forever"),
    codebase: retentionDurationSchema.default("forever"),
    audit: retentionDurationSchema.default("forever"),
    /** The shortest retention accepted, in days (see above). 0 allows any (tests, labs). */
    floor_days: z.number().int().min(0).max(36_500).default(365),
  })
  .superRefine((config, ctx) => {
    for (const category of RETENTION_CATEGORIES) {
      const d = config[category];
      if (d === "forever") continue;
      if (durationSeconds(d) < config.floor_days * 86_400) {
        ctx.addIssue({
          code: "custom",
          path: [category],
          message: `${d.text} is shorter than retention.floor_days (${config.floor_days} days; PCI DSS 10.5.1 keeps audit logs 12 months). Lower floor_days on purpose if this is meant.`,
        });
      }
    }
  });

export type RetentionConfig = z.output<typeof retentionConfigSchema>;

import { z } from "zod";
import { SEVERITIES, type Severity } from "../schemas/vocab";

/**
 * A rule file (YAML). Sigma's own keys are accepted as they are, so a rule
 * from SigmaHQ loads unchanged; prodtrail adds `events`, `query`, `params`,
 * `lookback_minutes` and `group_by`. Unknown keys are refused by name.
 */
const SIGMA_LEVELS = ["informational", "low", "medium", "high", "critical"] as const;
export const PARAM_TYPES = ["String", "UInt32", "UInt64", "Int64", "Float64", "Array(String)"] as const;
export type ParamType = (typeof PARAM_TYPES)[number];

const paramValue = z.union([z.string(), z.number(), z.array(z.string())]);

export const ruleFileSchema = z
  .strictObject({
    title: z.string().min(1).max(256),
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, { message: "must be letters, digits, '.', '_', '-' (a Sigma UUID works)" }),
    description: z.string().max(4000).default(""),
    level: z.enum(SIGMA_LEVELS).optional(),
    severity: z.enum(SEVERITIES).optional(),
    tags: z.array(z.string().max(128)).max(64).default([]),
    logsource: z.strictObject({ product: z.string().optional(), category: z.string().optional(), service: z.string().optional(), definition: z.string().optional() }).optional(),
    events: z.array(z.string()).min(1).optional(),
    detection: z.record(z.string(), z.unknown()).optional(),
    /** For event matches: one finding per these fields and hour (default actor and host). */
    group_by: z.array(z.string()).min(1).max(4).optional(),
    query: z.string().min(1).max(20_000).optional(),
    params: z.record(z.string().regex(/^[a-z_][a-z0-9_]*$/, { message: "parameter names are lower_snake_case" }), z.strictObject({ type: z.enum(PARAM_TYPES), default: paramValue, description: z.string().optional() })).default({}),
    /** How far before the scan window a windowed query looks, so a burst split across two windows is still counted whole. */
    lookback_minutes: z.number().min(0).max(60 * 24 * 31).default(0),
    // Sigma metadata, kept for display and ignored by the engine.
    status: z.string().optional(),
    author: z.string().optional(),
    date: z.union([z.string(), z.date()]).optional(),
    modified: z.union([z.string(), z.date()]).optional(),
    references: z.array(z.string()).optional(),
    falsepositives: z.array(z.string()).optional(),
    fields: z.array(z.string()).optional(),
    related: z.array(z.unknown()).optional(),
    license: z.string().optional(),
    name: z.string().optional(),
    taxonomy: z.string().optional(),
    scope: z.array(z.string()).optional(),
  })
  .superRefine((r, ctx) => {
    if ((r.detection === undefined) === (r.query === undefined)) ctx.addIssue({ code: "custom", message: "a rule has either a Sigma 'detection' block or a SQL 'query', exactly one", path: [r.query === undefined ? "detection" : "query"] });
    if (r.level === undefined && r.severity === undefined) ctx.addIssue({ code: "custom", message: "give a 'level' (Sigma) or 'severity'", path: ["title"] });
    if (r.query !== undefined && r.events === undefined) ctx.addIssue({ code: "custom", message: "a SQL rule lists the event types it reads in 'events'", path: ["query"] });
    if (r.detection !== undefined && r.events === undefined && r.logsource === undefined) ctx.addIssue({ code: "custom", message: "an event match needs 'logsource' (Sigma) or 'events'", path: ["detection"] });
  });

export type RuleFile = z.output<typeof ruleFileSchema>;

export function severityOfRule(r: Pick<RuleFile, "level" | "severity">): Severity {
  if (r.severity !== undefined) return r.severity;
  return r.level === "informational" || r.level === undefined ? "info" : r.level;
}

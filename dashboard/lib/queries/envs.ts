import { z } from "zod";
import { defineQuery } from "../../../store/query";

/**
 * Environments seen in a window, with whether any of their events carry the
 * demo label. Drives the env filter and the demo-data notice: demo data is
 * recognised by `env` starting with `demo-` or by `labels['demo'] = 'true'`
 * (the demo fleet sets both), so neither alone can hide it.
 */
export const envsInWindowQuery = defineQuery({
  name: "dashboard.envs_in_window",
  params: z.object({ from: z.string(), to: z.string() }),
  row: z.object({
    env: z.string(),
    events: z.coerce.number(),
    demo_labelled: z.coerce.number().transform((n) => n > 0),
  }),
  sql: (t) => `
    SELECT env, uniqExact(event_id) AS events, max(labels['demo'] = 'true') AS demo_labelled
    FROM ${t.events}
    WHERE occurred_at >= parseDateTime64BestEffort({from:String}, 3)
      AND occurred_at <  parseDateTime64BestEffort({to:String}, 3)
    GROUP BY env
    ORDER BY events DESC, env`,
});

export function isDemoEnv(env: { env: string; demo_labelled: boolean }): boolean {
  return env.env.startsWith("demo-") || env.demo_labelled;
}

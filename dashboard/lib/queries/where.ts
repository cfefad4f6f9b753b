import { z } from "zod";
import type { Filters } from "../filters/schema";

/**
 * The filter bar as query parameters and one WHERE fragment over `events`.
 * Values only ever travel as `{name:Type}` parameters; an empty list means
 * "all" and folds to a constant, so the (env, occurred_at) prefix of the
 * sort key still prunes granules.
 */
export const filterParams = z.object({
  from: z.string(),
  to: z.string(),
  envs: z.array(z.string()),
  services: z.array(z.string()),
  hosts: z.array(z.string()),
  actors: z.array(z.string()),
  teams: z.array(z.string()),
  channels: z.array(z.string()),
  types: z.array(z.string()),
  q: z.string(),
});
export type FilterParams = z.infer<typeof filterParams>;

export function toFilterParams(f: Filters): FilterParams {
  return { from: f.from, to: f.to, envs: f.env, services: f.service, hosts: f.host, actors: f.actor, teams: f.team, channels: f.channel, types: f.type, q: f.q };
}

export const TIME_WHERE = `occurred_at >= parseDateTime64BestEffort({from:String}, 3)
  AND occurred_at < parseDateTime64BestEffort({to:String}, 3)`;

/** `type` accepts exact types and whole categories written `change.*`. */
export const DIMENSION_WHERE = `(empty({envs:Array(String)}) OR env IN {envs:Array(String)})
  AND (empty({services:Array(String)}) OR service IN {services:Array(String)})
  AND (empty({teams:Array(String)}) OR team IN {teams:Array(String)})
  AND (empty({channels:Array(String)}) OR channel IN {channels:Array(String)})
  AND (empty({types:Array(String)}) OR type IN {types:Array(String)} OR concat(category, '.*') IN {types:Array(String)})`;

export const EVENT_WHERE = `${TIME_WHERE}
  AND ${DIMENSION_WHERE}
  AND (empty({hosts:Array(String)}) OR host IN {hosts:Array(String)})
  AND (empty({actors:Array(String)}) OR actor_id IN {actors:Array(String)})
  AND (empty({q:String}) OR positionCaseInsensitiveUTF8(concat(command, ' ', resource, ' ', path, ' ', actor_id, ' ', host, ' ', session_id, ' ', event_id), {q:String}) > 0)`;

/** Categories that mean someone touched a system (not a commit, not a dashboard view). */
export const TOUCH_WHERE = `category IN ('access', 'change', 'deploy')`;

/** Bucket width for a time series of about 30–60 points over the window. */
const STEPS_S = [60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86_400, 7 * 86_400];
export function bucketSeconds(from: string, to: string, points = 60): number {
  const span = (Date.parse(to) - Date.parse(from)) / 1000;
  return STEPS_S.find((s) => span / s <= points) ?? 7 * 86_400;
}

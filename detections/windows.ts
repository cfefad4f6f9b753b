import { z } from "zod";
import { chTimeToIso } from "../store/event-rows";
import type { Store } from "../store/open";
import { defineQuery, insertRows } from "../store/query";

/** How far each rule has been evaluated (table detection_windows, migration 0013). */
const windowsQuery = defineQuery({
  name: "detections.windows",
  params: z.object({}),
  row: z.object({ rule_id: z.string(), window_end: z.string().transform(chTimeToIso), worker: z.string(), version: z.coerce.number() }),
  sql: (t) => `SELECT rule_id, window_end, worker, version FROM ${t.detection_windows} FINAL`,
});

export interface RuleProgress {
  windowEnd: Date;
  worker: string;
  version: number;
}

export async function readProgress(store: Store): Promise<Map<string, RuleProgress>> {
  const rows = await windowsQuery(store, {});
  return new Map(rows.map((r) => [r.rule_id, { windowEnd: new Date(r.window_end), worker: r.worker, version: r.version }]));
}

export async function recordProgress(store: Store, input: { ruleId: string; windowEnd: Date; worker: string; findings: number; previousVersion: number }): Promise<number> {
  const version = Math.max(Date.now(), input.previousVersion + 1);
  await insertRows(store, {
    table: "detection_windows",
    rows: [{ rule_id: input.ruleId, window_end: input.windowEnd.toISOString(), ran_at: new Date().toISOString(), worker: input.worker, findings: input.findings, version }],
  });
  return version;
}

export interface PlanOptions {
  now: Date;
  overlapMs: number;
  maxBackfillMs: number;
  maxWindowMs: number;
  initialLookbackMs: number;
}

export interface WindowPlan {
  windows: Array<{ from: Date; to: Date }>;
  /** Received time never evaluated because the downtime was longer than max_backfill (start, end). */
  skipped?: { from: Date; to: Date };
}

/**
 * The windows one rule runs this round: from where it stopped minus the
 * overlap (late commits), to now, cut into pieces of at most maxWindow, and
 * never further back than maxBackfill.
 */
export function planWindows(progress: RuleProgress | undefined, o: PlanOptions): WindowPlan {
  const end = o.now.getTime();
  const wanted = progress ? progress.windowEnd.getTime() - o.overlapMs : end - o.initialLookbackMs;
  const floor = end - o.maxBackfillMs - o.overlapMs;
  const start = Math.max(wanted, floor);
  const plan: WindowPlan = { windows: [] };
  if (wanted < floor) plan.skipped = { from: new Date(wanted), to: new Date(floor) };
  for (let from = start; from < end; from += o.maxWindowMs) plan.windows.push({ from: new Date(from), to: new Date(Math.min(end, from + o.maxWindowMs)) });
  return plan;
}

import type { DetectionsConfig } from "../config/detections";
import type { Logger } from "../lib/log";
import type { Store } from "../store/open";
import type { StoredFinding } from "./finding-rows";
import { recordFindings } from "./record-findings";
import type { Rule } from "./rule";
import { runRule } from "./run-rule";
import { activeSuppressions } from "./suppressions";
import { planWindows, readProgress, recordProgress } from "./windows";
import { observeRound, type RoundObserver } from "../lib/job-round";

/** Who may run this round: the holder of the coordination partition, or always in embedded mode. */
export interface Coordinator {
  isLeader(): boolean;
  stop(): Promise<void>;
}

export const alwaysLeader: Coordinator = { isLeader: () => true, stop: async () => {} };

export interface RoundResult {
  ran: boolean;
  rules: Array<{ ruleId: string; windows: number; hits: number; created: number; suppressed: number; error?: string; skipped?: { from: string; to: string } }>;
  created: StoredFinding[];
}

export interface SchedulerOptions {
  store: Store;
  rules: readonly Rule[];
  config: Pick<DetectionsConfig, "overlap_seconds" | "max_backfill_hours" | "max_window_minutes" | "initial_lookback_minutes">;
  worker: string;
  log: Logger;
  coordinator?: Coordinator;
  /** New findings, handed over without waiting (the notifier queues them). */
  onFindings?: (findings: readonly StoredFinding[]) => void;
}

/**
 * One detection round: for every rule, the windows since it last ran (see
 * planWindows), each recorded as done right after its findings are written,
 * so a crash mid-round repeats at most one window — and a repeat writes the
 * same fingerprints. A failing rule is logged and retried next round; the
 * others go on.
 */
export async function runRound(o: SchedulerOptions, now = new Date()): Promise<RoundResult> {
  const result: RoundResult = { ran: false, rules: [], created: [] };
  if (!(o.coordinator ?? alwaysLeader).isLeader()) return result;
  result.ran = true;
  const progress = await readProgress(o.store);
  const suppressions = await activeSuppressions(o.store, now);
  for (const rule of o.rules) {
    const plan = planWindows(progress.get(rule.id), {
      now,
      overlapMs: o.config.overlap_seconds * 1000,
      maxBackfillMs: o.config.max_backfill_hours * 3_600_000,
      maxWindowMs: o.config.max_window_minutes * 60_000,
      initialLookbackMs: o.config.initial_lookback_minutes * 60_000,
    });
    const entry: RoundResult["rules"][number] = { ruleId: rule.id, windows: 0, hits: 0, created: 0, suppressed: 0 };
    if (plan.skipped) {
      entry.skipped = { from: plan.skipped.from.toISOString(), to: plan.skipped.to.toISOString() };
      o.log.warn({ rule: rule.id, ...entry.skipped }, "detections: downtime longer than max_backfill_hours; these received times are not evaluated");
    }
    let version = progress.get(rule.id)?.version ?? 0;
    try {
      for (const window of plan.windows) {
        const hits = await runRule(o.store, rule, window);
        const recorded = await recordFindings(o.store, rule, hits, suppressions, now);
        version = await recordProgress(o.store, { ruleId: rule.id, windowEnd: window.to, worker: o.worker, findings: recorded.created.length, previousVersion: version });
        entry.windows += 1;
        entry.hits += hits.length;
        entry.created += recorded.created.length;
        entry.suppressed += recorded.suppressed;
        result.created.push(...recorded.created);
      }
    } catch (error) {
      entry.error = error instanceof Error ? error.message : String(error);
      o.log.error({ err: error, rule: rule.id }, "detections: rule failed; retried next round");
    }
    result.rules.push(entry);
  }
  if (result.created.length > 0) o.onFindings?.(result.created);
  return result;
}

export interface SchedulerHandle {
  runOnce(now?: Date): Promise<RoundResult>;
  stop(): Promise<void>;
}

/** A round that did not run (another worker leads) is no round; a failed rule fails it. */
function judgeRound(r: RoundResult): { error?: string } | null {
  if (!r.ran) return null;
  const failed = r.rules.find((x) => x.error !== undefined);
  return failed ? { error: `rule ${failed.ruleId}: ${failed.error ?? ""}` } : {};
}

/** Runs a round every interval; a round in progress is awaited, never doubled. */
export function startScheduler(o: SchedulerOptions & { intervalMs: number; onRound?: RoundObserver }): SchedulerHandle {
  let running: Promise<RoundResult> | null = null;
  const runOnce = (now?: Date): Promise<RoundResult> => {
    running ??= observeRound(runRound(o, now), o.onRound, judgeRound).finally(() => {
      running = null;
    });
    return running;
  };
  const timer = o.intervalMs > 0 ? setInterval(() => void runOnce().catch((err: unknown) => o.log.error({ err }, "detections round failed; retrying next interval")), o.intervalMs) : null;
  timer?.unref();
  return {
    runOnce,
    async stop() {
      if (timer !== null) clearInterval(timer);
      await running?.catch(() => undefined);
      await o.coordinator?.stop();
    },
  };
}

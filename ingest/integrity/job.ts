import { createLogger, type Logger } from "../../lib/log";
import type { Store } from "../../store/open";
import { listCollectorKeys } from "../../store/collector-keys";
import { runCollectorRound, type RoundResult } from "./round";
import { DEFAULT_UNCOVERED_AFTER_MS } from "./uncovered";
import { collectorsQuery } from "./stream";
import type { KafkaConfig } from "../../config/schema";
import { startCoordinatedRounds } from "../kafka/job-rounds";
import { observeRound, type RoundObserver } from "../../lib/job-round";

/**
 * The source-integrity job: every `intervalMs`, one bounded round per
 * collector (see round.ts). Runs in `prodtrail serve` and `prodtrail ingest`;
 * several processes may run it at once (deterministic finding ids, versioned
 * positions). A failed round is logged and retried next interval.
 */
export interface IntegrityJobOptions {
  store: Store;
  log?: Logger;
  /** 0 or less: no timer (runOnce only). Default 30 s. */
  intervalMs?: number;
  /** Events per collector per round. 10,000: one round stays a few seconds of work on 2 cores. */
  batch?: number;
  /**
   * How far behind the watermark late inserts may be stamped. 15 s: received_at
   * is stamped just before the insert (seconds at most) plus NTP skew between
   * ingest hosts (milliseconds). Events received in this window before a round
   * are checked again as stragglers next round, so it is also a cost.
   */
  lagMs?: number;
  /**
   * Scale mode (brokers set): one process runs each round, whichever holds
   * the integrity coordination partition (ingest/kafka/single-runner.ts).
   * Unset or no brokers: the timer runs here (embedded serve, tests).
   */
  kafka?: KafkaConfig;
  /**
   * A chained event that no signed head covers becomes an `uncovered`
   * finding once it was received this long ago. Default 10 min: a
   * collector ends every spool append with a head and its shipper sends
   * the append's records in order, so the head normally lands in the same
   * or the next insert, seconds later; a sink outage between two inserts
   * can hold it back longer, and the finding then resolves itself when
   * the head arrives.
   */
  uncoveredAfterMs?: number;
  /** Told when each round ends (serve's /metrics and /api/health). */
  onRound?: RoundObserver;
}

export interface IntegrityRun {
  collectors: RoundResult[];
  failed: Array<{ collectorId: string; error: string }>;
  /** Some collector has more events waiting than one round's batch. */
  more: boolean;
}

export interface IntegrityJob {
  runOnce(): Promise<IntegrityRun>;
  stop(): Promise<void>;
}

export const DEFAULT_INTERVAL_MS = 30_000;
export { DEFAULT_UNCOVERED_AFTER_MS } from "./uncovered";

export function startIntegrityJob(options: IntegrityJobOptions): IntegrityJob {
  const { store } = options;
  const log = options.log ?? createLogger("integrity");
  const round = { batch: options.batch ?? 10_000, lagMs: options.lagMs ?? 15_000, uncoveredAfterMs: options.uncoveredAfterMs ?? DEFAULT_UNCOVERED_AFTER_MS, log };
  let running: Promise<IntegrityRun> | null = null;
  let stopped = false;

  const once = async (): Promise<IntegrityRun> => {
    const registered = new Set((await listCollectorKeys(store)).map((k) => k.collectorId));
    const collectors = (await collectorsQuery(store, {})).filter((c) => c.signed > 0 || registered.has(c.collector_id));
    const run: IntegrityRun = { collectors: [], failed: [], more: false };
    for (const c of collectors) {
      if (stopped) break;
      try {
        const result = await runCollectorRound(store, c.collector_id, round);
        run.collectors.push(result);
        run.more ||= result.more;
        if (result.problems.length > 0 || result.resolved > 0) {
          log.warn({ collector_id: c.collector_id, problems: result.problems.length, resolved: result.resolved, checked: result.checked }, "integrity problems found");
        }
      } catch (err) {
        log.error({ err, collector_id: c.collector_id }, "integrity round failed for collector; retrying next interval");
        run.failed.push({ collectorId: c.collector_id, error: err instanceof Error ? err.message : String(err) });
      }
    }
    return run;
  };
  const runOnce = (): Promise<IntegrityRun> => {
    running ??= observeRound(once(), options.onRound, (run) => (run.failed[0] ? { error: `${run.failed.length} collector(s) failed, first ${run.failed[0].collectorId}: ${run.failed[0].error}` } : {})).finally(() => {
      running = null;
    });
    return running;
  };
  // A collector writing more than one batch per interval (10,000 / 30 s = 333 events/s)
  // would fall behind for ever: while a round leaves events waiting, the next starts at once.
  const tick = (): void => {
    runOnce()
      .then((run) => {
        if (run.more && !stopped) setImmediate(tick);
      })
      .catch((err: unknown) => log.error({ err }, "integrity job run failed; retrying next interval"));
  };
  const intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  // A coordinated round drains the same way, up to 20 batches (200,000 events
  // per collector at the default batch), then leaves the rest to the next round.
  const drain = async (): Promise<void> => {
    for (let i = 0; i < 20 && !stopped; i += 1) if (!(await runOnce()).more) return;
  };
  const kafka = options.kafka;
  const rounds = intervalMs > 0 && kafka && kafka.brokers.length > 0 ? startCoordinatedRounds({ kafka, job: "integrity", intervalMs, log, work: drain }) : undefined;
  const timer = intervalMs > 0 && rounds === undefined ? setInterval(tick, intervalMs) : null;
  timer?.unref();
  return {
    runOnce,
    async stop() {
      stopped = true;
      if (timer !== null) clearInterval(timer);
      await rounds?.stop();
      await running?.catch(() => undefined);
    },
  };
}

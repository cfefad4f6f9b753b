import type { Config } from "../config/schema";
import { createLogger, type Logger } from "../lib/log";
import type { Store } from "../store/open";
import { DriftJob, type DriftRunOptions, type DriftRunResult } from "./job";
import { observeRound, type RoundObserver } from "../lib/job-round";
import { startCoordinatedRounds } from "../ingest/kafka/job-rounds";

export interface DriftJobHandle {
  /** Stops the interval and waits for a run in progress. */
  stop(): Promise<void>;
  /** One evaluation now (a run already in progress is awaited, not doubled). */
  runOnce(options?: DriftRunOptions): Promise<DriftRunResult>;
}

/**
 * Runs the drift job every `drift.interval_seconds` in `serve` and `ingest`.
 * With Kafka configured (scale mode) one process runs each round, whichever
 * holds the drift coordination partition (ingest/kafka/single-runner.ts);
 * embedded, the round runs in-process. A round repeated after a takeover is
 * harmless: rows are deterministic and versioned, so duplicates collapse and
 * the newest evaluation wins. A failed run is logged and retried at the next
 * tick; it never stops the process. runOnce (drift gate) always runs here.
 */
export function startDriftJob({ store, config, log = createLogger("drift"), onRound }: { store: Store; config: Pick<Config, "drift"> & Partial<Pick<Config, "kafka">>; log?: Logger; onRound?: RoundObserver }): DriftJobHandle {
  const job = new DriftJob(store, config.drift, log);
  let running: Promise<DriftRunResult> | null = null;
  const runOnce = (options?: DriftRunOptions): Promise<DriftRunResult> => {
    running ??= observeRound(job.runOnce(options), onRound).finally(() => {
      running = null;
    });
    return running;
  };
  const intervalMs = config.drift.interval_seconds * 1000;
  const kafka = config.kafka;
  const rounds = intervalMs > 0 && kafka && kafka.brokers.length > 0 ? startCoordinatedRounds({ kafka, job: "drift", intervalMs, log, work: () => runOnce() }) : undefined;
  const timer =
    intervalMs > 0 && rounds === undefined
      ? setInterval(() => {
          runOnce().catch((err: unknown) => log.error({ err }, "drift job run failed; retrying next interval"));
        }, intervalMs)
      : null;
  timer?.unref();
  return {
    runOnce,
    async stop() {
      if (timer !== null) clearInterval(timer);
      await rounds?.stop();
      await running?.catch(() => undefined);
    },
  };
}

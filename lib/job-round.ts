/**
 * How a background job (drift, integrity, detections) tells its process that
 * a round ended, so /metrics and /api/health can say which job runs, how long
 * it takes, and which one keeps failing. The jobs only time and classify;
 * what is done with the outcome is the process's business (server/job-rounds.ts).
 */
export interface RoundOutcome {
  ok: boolean;
  seconds: number;
  /** Why the round failed, or what part of it failed (a rule, a collector). */
  error?: string;
}

export type RoundObserver = (outcome: RoundOutcome) => void;

/**
 * Times `work` and reports it to `observer` (when there is one); `judge`
 * names a failure inside a resolved round (a failed rule or collector) and
 * answers null for a call that was no round at all (not the leader).
 * Returns `work` itself: the caller's result and error are unchanged.
 */
export function observeRound<T>(work: Promise<T>, observer: RoundObserver | undefined, judge?: (result: T) => { error?: string } | null): Promise<T> {
  if (observer === undefined) return work;
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  work.then(
    (result) => {
      const verdict = judge ? judge(result) : {};
      if (verdict === null) return;
      observer(verdict.error === undefined ? { ok: true, seconds: seconds() } : { ok: false, seconds: seconds(), error: verdict.error });
    },
    (error: unknown) => observer({ ok: false, seconds: seconds(), error: error instanceof Error ? error.message : String(error) }),
  );
  return work;
}

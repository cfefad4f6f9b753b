import type { RoundObserver, RoundOutcome } from "../lib/job-round";

/**
 * What serve knows about its background jobs' rounds: the last success,
 * the last failure and how many rounds in a row failed. /api/health reads
 * it to answer 503 when a job is stuck; /metrics exports it.
 */
export const JOB_NAMES = ["drift", "integrity", "detections"] as const;
export type JobName = (typeof JOB_NAMES)[number];

export interface JobState {
  rounds: number;
  lastSuccessAt: number | undefined;
  lastFailureAt: number | undefined;
  lastError: string | undefined;
  consecutiveFailures: number;
  lastSeconds: number | undefined;
  /** Why the job does not run here ('' when it does). */
  disabled: string;
}

export class JobRounds {
  private readonly states = new Map<JobName, JobState>();
  private readonly listeners: Array<(job: JobName, outcome: RoundOutcome) => void> = [];

  constructor(private readonly now: () => number = Date.now) {
    for (const job of JOB_NAMES) this.states.set(job, { rounds: 0, lastSuccessAt: undefined, lastFailureAt: undefined, lastError: undefined, consecutiveFailures: 0, lastSeconds: undefined, disabled: "" });
  }

  /** The observer to hand to one job's start function. */
  observer(job: JobName): RoundObserver {
    return (outcome) => this.record(job, outcome);
  }

  record(job: JobName, outcome: RoundOutcome): void {
    const state = this.state(job);
    const at = this.now();
    state.rounds += 1;
    state.lastSeconds = outcome.seconds;
    if (outcome.ok) {
      state.lastSuccessAt = at;
      state.consecutiveFailures = 0;
    } else {
      state.lastFailureAt = at;
      state.lastError = outcome.error;
      state.consecutiveFailures += 1;
    }
    for (const listener of this.listeners) listener(job, outcome);
  }

  disable(job: JobName, reason: string): void {
    this.state(job).disabled = reason;
  }

  onRound(listener: (job: JobName, outcome: RoundOutcome) => void): void {
    this.listeners.push(listener);
  }

  state(job: JobName): JobState {
    const state = this.states.get(job);
    if (state === undefined) throw new RangeError(`unknown job ${job}`);
    return state;
  }
}

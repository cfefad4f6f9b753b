import { setTimeout as delay } from "node:timers/promises";

export interface BackoffOptions {
  /** First retry delay. */
  initialMs: number;
  /** Cap: a broker outage of hours costs one attempt per `maxMs`, not a storm. */
  maxMs: number;
}

/**
 * Capped exponential backoff with "equal jitter": half the step is fixed,
 * half random, so retries of many collectors after a shared outage spread out
 * (no thundering herd) yet never collapse to a zero delay.
 * attempt 1 → [initial/2, initial], attempt n → capped at [max/2, max].
 */
export function backoffDelay(attempt: number, opts: BackoffOptions, random: () => number = Math.random): number {
  const exp = Math.min(opts.maxMs, opts.initialMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
  return Math.round(exp / 2 + random() * (exp / 2));
}

/** Sleep that ends early (without throwing) when `signal` aborts. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, { signal });
  } catch (err) {
    if (!(err instanceof Error && err.name === "AbortError")) throw err;
  }
}

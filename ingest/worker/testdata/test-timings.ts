/**
 * Worker timings for tests against the real broker: retries in 100–500 ms
 * instead of seconds, a 10 s session (a test that stops a worker sees the
 * rebalance in seconds, not the 30 s default), and a 10 s shutdown bound.
 */
export const TEST_WORKER_TIMINGS = {
  retryInitialMs: 100,
  retryMaxMs: 500,
  sessionTimeoutMs: 10_000,
  heartbeatIntervalMs: 1_000,
  shutdownTimeoutMs: 10_000,
} as const;

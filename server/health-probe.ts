import type { IngestHealth, JobHealth, PipelineHealth } from "../ingest/gateway/health";
import { JOB_NAMES, type JobRounds } from "./job-rounds";
import type { StoreFacts } from "./store-facts";

/**
 * serve's answer to "is ingest stuck?" for /api/health (see the README's
 * "Metrics and health"). Stuck means one of:
 * - a job failed `failingRounds` rounds in a row (default 3: one failed
 *   round is a store hiccup the next round repairs; three at the default
 *   intervals is minutes of no drift, integrity or detections);
 * - events this gateway accepted have not reached the store after
 *   `acceptedGraceMs` (default 120 s: the ingest worker retries a failing
 *   insert with backoff capped at 30 s, so four times that without the
 *   store's newest received_at passing the acceptance is no slow batch).
 *   Embedded mode answers 200 only after the store write, so there this
 *   fires only if the store lost what it acknowledged.
 */
export interface HealthProbeOptions {
  jobs: JobRounds;
  facts: StoreFacts;
  /** When this process's gateway accepted events first since the store last confirmed them, and last. */
  accepted: { pendingSince(): number | undefined; last(): number | undefined; confirm(upTo: number): void };
  kafkaLag?: () => Promise<IngestHealth["kafka_lag"]>;
  failingRounds?: number;
  acceptedGraceMs?: number;
  now?: () => number;
}

/** received_at is stamped by the writer, maybe on another host: 60 s of clock difference is not a stuck pipeline. */
const CLOCK_SLACK_MS = 60_000;

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
const age = (ms: number | undefined, now: number) => (ms === undefined ? null : Math.round((now - ms) / 100) / 10);

export function createHealthProbe(options: HealthProbeOptions): () => Promise<PipelineHealth> {
  const failingRounds = options.failingRounds ?? 3;
  const grace = options.acceptedGraceMs ?? 120_000;
  const clock = options.now ?? Date.now;
  return async () => {
    const now = clock();
    const problems: string[] = [];
    const jobs: Record<string, JobHealth> = {};
    for (const name of JOB_NAMES) {
      const s = options.jobs.state(name);
      const failing = s.consecutiveFailures >= failingRounds;
      if (failing) problems.push(`job ${name}: ${s.consecutiveFailures} rounds in a row failed; last error: ${s.lastError ?? "?"}`);
      jobs[name] = {
        state: failing ? "failing" : s.disabled !== "" ? "disabled" : s.rounds === 0 ? "not-run-yet" : "ok",
        last_success_at: iso(s.lastSuccessAt),
        last_success_age_s: age(s.lastSuccessAt, now),
        consecutive_failures: s.consecutiveFailures,
        ...(s.lastError !== undefined && s.consecutiveFailures > 0 ? { last_error: s.lastError } : {}),
        ...(s.lastSeconds !== undefined ? { last_round_s: Math.round(s.lastSeconds * 1000) / 1000 } : {}),
        ...(s.disabled !== "" ? { disabled_reason: s.disabled } : {}),
      };
    }
    const newest = await options.facts.newestEvent();
    const newestMs = newest.receivedAt === undefined ? undefined : Date.parse(newest.receivedAt);
    if (newestMs !== undefined) options.accepted.confirm(newestMs + CLOCK_SLACK_MS);
    const pending = options.accepted.pendingSince();
    if (pending !== undefined && now - pending >= grace) {
      problems.push(`ingest: events accepted since ${new Date(pending).toISOString()} have not reached the store (newest received_at ${newest.receivedAt ?? "none"}); check the ingest workers and Kafka`);
    }
    const ingest: IngestHealth = {
      last_event_at: newest.receivedAt ?? null,
      last_event_age_s: age(newestMs, now),
      last_accepted_at: iso(options.accepted.last()),
      ...(options.kafkaLag ? { kafka_lag: await options.kafkaLag() } : {}),
    };
    return { jobs, ingest, problems };
  };
}

/**
 * The gateway's acceptances not yet seen in the store: the first such
 * time and the last acceptance. `confirm(t)` says the store holds events
 * received up to t; what was accepted later stays pending.
 */
export function acceptanceTracker(now: () => number = Date.now) {
  let pending: number | undefined;
  let last: number | undefined;
  return {
    accepted() {
      const t = now();
      pending ??= t;
      last = t;
    },
    pendingSince: () => pending,
    last: () => last,
    confirm(upTo: number) {
      if (pending === undefined || pending > upTo) return;
      // Accepted after upTo, not yet seen: the earliest it can be is upTo (an upper bound on how long it waited would be last).
      pending = last !== undefined && last > upTo ? upTo : undefined;
    },
  };
}

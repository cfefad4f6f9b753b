import { Counter, createRegistry, Gauge, Histogram, ROUND_SECONDS_BUCKETS, type Registry } from "../lib/metrics";
import { REFUSAL_REASONS, type GatewayCounters } from "../ingest/gateway/counters";
import { JOB_NAMES, type JobRounds } from "./job-rounds";
import type { StoreFacts } from "./store-facts";

/**
 * serve's Prometheus metrics (GET /metrics, server/metrics-route.ts): the
 * gateway's accepted/refused events by reason, job round durations and
 * outcomes, unresolved findings by severity and the newest event's age from
 * the store (cached, server/store-facts.ts), and the default process
 * metrics. Names are the contract with examples/grafana/prodtrail.json.
 */
export interface ServeMetrics {
  registry: Registry;
  gateway: GatewayCounters & { lastAcceptedAt(): number | undefined };
}

export function createServeMetrics(options: { jobs: JobRounds; facts: StoreFacts; defaultMetrics?: boolean; now?: () => number }): ServeMetrics {
  const registry = createRegistry({ defaultMetrics: options.defaultMetrics ?? true });
  const registers = [registry];
  const now = options.now ?? Date.now;
  const acceptedEvents = new Counter({ name: "prodtrail_gateway_events_accepted_total", help: "Events the gateway accepted (durable in the store, or in Kafka in scale mode)", registers });
  const acceptedBatches = new Counter({ name: "prodtrail_gateway_batches_accepted_total", help: "POST /api/v1/events requests answered 200", registers });
  const refusedEvents = new Counter({ name: "prodtrail_gateway_events_refused_total", help: "Events in refused batches, by reason (0 where the body was not read far enough to count them)", labelNames: ["reason"], registers });
  const refusedBatches = new Counter({ name: "prodtrail_gateway_batches_refused_total", help: "POST /api/v1/events requests refused, by reason", labelNames: ["reason"], registers });
  // Every reason exported from the start, so a dashboard's rate() sees a series before the first refusal.
  for (const reason of REFUSAL_REASONS) {
    refusedEvents.inc({ reason }, 0);
    refusedBatches.inc({ reason }, 0);
  }
  let lastAccepted: number | undefined;
  new Gauge({
    name: "prodtrail_gateway_last_accepted_timestamp_seconds",
    help: "Unix time of the last accepted batch (0: none since start)",
    registers,
    collect() {
      this.set(lastAccepted === undefined ? 0 : lastAccepted / 1000);
    },
  });

  const roundSeconds = new Histogram({ name: "prodtrail_job_round_seconds", help: "Duration of one job round (drift, integrity, detections), by outcome", labelNames: ["job", "outcome"], buckets: ROUND_SECONDS_BUCKETS, registers });
  const rounds = new Counter({ name: "prodtrail_job_rounds_total", help: "Job rounds run in this process, by outcome", labelNames: ["job", "outcome"], registers });
  for (const job of JOB_NAMES) for (const outcome of ["ok", "failure"]) rounds.inc({ job, outcome }, 0);
  options.jobs.onRound((job, outcome) => {
    const labels = { job, outcome: outcome.ok ? "ok" : "failure" };
    roundSeconds.observe(labels, outcome.seconds);
    rounds.inc(labels);
  });
  new Gauge({
    name: "prodtrail_job_last_success_timestamp_seconds",
    help: "Unix time of the job's last successful round in this process (0: none yet)",
    labelNames: ["job"],
    registers,
    collect() {
      for (const job of JOB_NAMES) this.set({ job }, (options.jobs.state(job).lastSuccessAt ?? 0) / 1000);
    },
  });
  new Gauge({
    name: "prodtrail_job_consecutive_failures",
    help: "Rounds in a row that failed (0 after a success)",
    labelNames: ["job"],
    registers,
    collect() {
      for (const job of JOB_NAMES) this.set({ job }, options.jobs.state(job).consecutiveFailures);
    },
  });

  new Gauge({
    name: "prodtrail_findings",
    help: "Findings in the store by severity and status (open, acknowledged, resolved, false_positive…); read at most every 15 s",
    labelNames: ["severity", "status"],
    registers,
    async collect() {
      this.reset();
      for (const row of await options.facts.findings()) this.set({ severity: row.severity, status: row.status }, row.findings);
    },
  });
  new Gauge({
    name: "prodtrail_store_newest_event_age_seconds",
    help: "Seconds since the newest stored event's received_at (-1: the store holds none); read at most every 15 s",
    registers,
    async collect() {
      const newest = await options.facts.newestEvent();
      this.set(newest.receivedAt === undefined ? -1 : Math.max(0, (now() - Date.parse(newest.receivedAt)) / 1000));
    },
  });

  return {
    registry,
    gateway: {
      accepted(events) {
        acceptedEvents.inc(events);
        acceptedBatches.inc();
        lastAccepted = now();
      },
      refused(reason, events) {
        refusedBatches.inc({ reason });
        if (events !== undefined) refusedEvents.inc({ reason }, events);
      },
      lastAcceptedAt: () => lastAccepted,
    },
  };
}

import type { AuditEvent } from "../../schemas";
import { Counter, createRegistry, Gauge, Histogram, listenForMetrics, parseListenAddress, SEND_SECONDS_BUCKETS, type MetricsListener, type Registry } from "../../lib/metrics";
import type { Sink } from "../sink";
import type { AgentStats } from "./stats";

/**
 * The collector's Prometheus metrics (collect.metrics_listen, off by
 * default): spool depth and the age of its oldest unsent record, send
 * latency per sink, events read per source, plus the default process
 * metrics. Read from the agent's own figures at scrape time, so an idle
 * collector costs nothing between scrapes.
 */
export interface CollectorMetrics {
  registry: Registry;
  /** Wraps the sink so every publish is timed and counted. */
  timed(sink: Sink): Sink;
  /** The agent's figures, read at scrape time. */
  observe(stats: () => AgentStats): void;
  /** Stops the spool-age sampler. */
  stop(): void;
}

/**
 * Spool age without a timestamp per record: every second the spool's next
 * seq is sampled, so a record at seq s was spooled no later than the first
 * sample whose next seq exceeds s. The oldest unsent record is the first
 * unacknowledged seq; its age is known to within the 1 s sampling step,
 * and records spooled before this process started count from its start.
 * 3,600 samples (1 h at 1/s) bound the memory; older unsent records report
 * at least one hour.
 */
const SAMPLE_MS = 1000;
const MAX_SAMPLES = 3600;

export function createCollectorMetrics(options: { defaultMetrics?: boolean; now?: () => number } = {}): CollectorMetrics {
  const registry = createRegistry({ defaultMetrics: options.defaultMetrics ?? true });
  const now = options.now ?? Date.now;
  const registers = [registry];
  const sendSeconds = new Histogram({ name: "prodtrail_collector_send_seconds", help: "Duration of one sink publish (a batch to Kafka or the gateway), by outcome", labelNames: ["sink", "outcome"], buckets: SEND_SECONDS_BUCKETS, registers });
  const sentEvents = new Counter({ name: "prodtrail_collector_sent_events_total", help: "Events the sink acknowledged as durable", labelNames: ["sink"], registers });
  const sendFailures = new Counter({ name: "prodtrail_collector_send_failures_total", help: "Sink publishes that failed (the spool keeps and resends them)", labelNames: ["sink"], registers });
  let readStats: (() => AgentStats) | undefined;
  // The spool's first unacknowledged seq and its next seq, from the shipper's figures.
  const read = () => {
    const s = readStats?.();
    return s === undefined ? undefined : { ...s, spool_seq: { acked: s.shipper.acked_seq, next: s.shipper.acked_seq + s.shipper.lag_records } };
  };
  const samples: Array<{ at: number; next: number }> = [];
  const sample = () => {
    const s = read?.();
    if (s === undefined) return;
    if (samples.at(-1)?.next !== s.spool_seq.next) samples.push({ at: now(), next: s.spool_seq.next });
    // Samples wholly below the acknowledged seq are no longer needed (keep one: it dates the boundary).
    while (samples.length > 1 && (samples[1]?.next ?? Infinity) <= s.spool_seq.acked) samples.shift();
    if (samples.length > MAX_SAMPLES) samples.shift();
  };
  const timer = setInterval(sample, SAMPLE_MS);
  timer.unref();
  const started = now();

  new Gauge({
    name: "prodtrail_collector_spool_records",
    help: "Records in the spool not yet acknowledged by the sink",
    registers,
    collect() {
      const s = read?.();
      if (s) this.set(s.spool_seq.next - s.spool_seq.acked);
    },
  });
  new Gauge({
    name: "prodtrail_collector_spool_bytes",
    help: "Disk the spool uses",
    registers,
    collect() {
      const s = read?.();
      if (s) this.set(s.spool.used_bytes);
    },
  });
  new Gauge({
    name: "prodtrail_collector_spool_limit_bytes",
    help: "collect.spool.max_bytes: at this use the collector stops reading sources",
    registers,
    collect() {
      const s = read?.();
      if (s) this.set(s.spool.limit_bytes);
    },
  });
  new Gauge({
    name: "prodtrail_collector_spool_oldest_unsent_age_seconds",
    help: "Age of the oldest spooled record the sink has not acknowledged (0 when none; 1 s resolution)",
    registers,
    collect() {
      sample();
      const s = read?.();
      if (s === undefined) return;
      if (s.spool_seq.next <= s.spool_seq.acked) return this.set(0);
      const spooledBy = samples.find((x) => x.next > s.spool_seq.acked)?.at ?? started;
      this.set(Math.max(0, (now() - spooledBy) / 1000));
    },
  });
  new Gauge({
    name: "prodtrail_collector_source_events",
    help: "Events read per source since the collector started",
    labelNames: ["source"],
    registers,
    collect() {
      const s = read?.();
      if (s) for (const [source, stats] of Object.entries(s.sources)) this.set({ source }, stats.events);
    },
  });
  new Gauge({
    name: "prodtrail_collector_paused",
    help: "1 while the collector stopped reading sources (spool full)",
    registers,
    collect() {
      const s = read?.();
      if (s) this.set(s.paused ? 1 : 0);
    },
  });

  return {
    registry,
    observe(stats) {
      readStats = stats;
      sample();
    },
    stop: () => clearInterval(timer),
    timed(sink: Sink): Sink {
      return {
        name: sink.name,
        close: () => sink.close(),
        async publish(events: readonly AuditEvent[]) {
          const end = sendSeconds.startTimer({ sink: sink.name });
          try {
            await sink.publish(events);
          } catch (error) {
            end({ outcome: "failure" });
            sendFailures.inc({ sink: sink.name });
            throw error;
          }
          end({ outcome: "ok" });
          sentEvents.inc({ sink: sink.name }, events.length);
        },
      };
    },
  };
}

/** Opens collect.metrics_listen (host:port) for GET /metrics; undefined when it is not set. */
export async function listenCollectorMetrics(metrics: CollectorMetrics, listen: string | undefined): Promise<MetricsListener | undefined> {
  if (listen === undefined) return undefined;
  const { host, port } = parseListenAddress(listen);
  return listenForMetrics(metrics.registry, host, port);
}

import type { Store } from "../../store/open";
import type { RequestHandler } from "./handler";
import { sendJson } from "./respond";

/**
 * What a process knows about its pipeline beyond the store ping: its jobs'
 * rounds, whether accepted events reach the store, Kafka lag. serve builds
 * it (server/health-probe.ts); each entry names a problem that makes the
 * answer 503.
 */
export interface PipelineHealth {
  jobs: Record<string, JobHealth>;
  ingest: IngestHealth;
  /** Why ingest is stuck, one line each; empty when it is not. */
  problems: string[];
}

export interface JobHealth {
  /** ok: ran and last round succeeded (or none yet); failing: N rounds in a row failed; disabled: not run here. */
  state: "ok" | "failing" | "disabled" | "not-run-yet";
  last_success_at: string | null;
  last_success_age_s: number | null;
  consecutive_failures: number;
  last_error?: string;
  last_round_s?: number;
  disabled_reason?: string;
}

export interface IngestHealth {
  /** Newest received_at in the store (the last event that reached it). */
  last_event_at: string | null;
  last_event_age_s: number | null;
  /** When this process's gateway last accepted a batch. */
  last_accepted_at: string | null;
  /** Scale mode: the ingest consumer group's lag per topic, when Kafka answered; embedded: absent (the gateway writes the store itself). */
  kafka_lag?: { group: string; topic: string; messages: number } | { error: string };
}

export interface HealthOptions {
  store: Store;
  /** How this process runs: "embedded" (prodtrail serve) or "scale" (gateway in front of Kafka). */
  mode: string;
  version: string;
  /** Jobs and ingest progress; absent: the store ping alone decides. */
  pipeline?: () => Promise<PipelineHealth>;
}

/**
 * GET /api/health: 200 when the store answers a ping and ingest is not
 * stuck, 503 otherwise, so a load balancer or `curl -f` can tell. Shape:
 * `{ status, mode, version, store: { mode, database, ok, latency_ms, error? } }`;
 * `?detail=1` adds `jobs`, `ingest` and `problems` (README "Metrics and
 * health"). The short answer keeps its shape for probes that parse it.
 */
export function createHealthHandler({ store, mode, version, pipeline }: HealthOptions): RequestHandler {
  return async (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      sendJson(res, 405, { error: "use GET" }, { allow: "GET, HEAD" });
      return;
    }
    const detail = new URL(req.url ?? "/", "http://health").searchParams.get("detail");
    const started = performance.now();
    let error: string | undefined;
    try {
      const ping = await store.client.ping();
      if (!ping.success) error = ping.error.message;
    } catch (caught) {
      error = caught instanceof Error ? caught.message : String(caught);
    }
    const storeOk = error === undefined;
    const latency = Math.round((performance.now() - started) * 10) / 10;
    let report: PipelineHealth | undefined;
    if (storeOk && pipeline !== undefined) {
      try {
        report = await pipeline();
      } catch (caught) {
        report = { jobs: {}, ingest: { last_event_at: null, last_event_age_s: null, last_accepted_at: null }, problems: [`health probe failed: ${caught instanceof Error ? caught.message : String(caught)}`] };
      }
    }
    const ok = storeOk && (report?.problems.length ?? 0) === 0;
    sendJson(res, ok ? 200 : 503, {
      status: ok ? "ok" : "unavailable",
      mode,
      version,
      store: {
        mode: store.mode,
        database: store.database,
        ok: storeOk,
        latency_ms: latency,
        ...(error !== undefined ? { error } : {}),
      },
      ...(detail !== null && detail !== "0" && detail !== "false" ? { jobs: report?.jobs ?? {}, ingest: report?.ingest ?? null, problems: storeOk ? (report?.problems ?? []) : [`store: ${error ?? "down"}`] } : {}),
    });
  };
}

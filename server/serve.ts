import { createServer, type Server } from "node:http";
import { join } from "node:path";
import type { Logger } from "pino";
import type { Sink } from "../collect/sink";
import type { Config } from "../config/schema";
import { migrate } from "../store/migrate";
import { applyRetention } from "../store/retention";
import { openStore, type Store } from "../store/open";
import { createEventsHandler } from "../ingest/gateway/handler";
import { createHealthHandler } from "../ingest/gateway/health";
import { StoreSink } from "../ingest/gateway/store-sink";
import { ConflictCheckingSink } from "../ingest/gateway/conflict-check-sink";
import { createKeyAuthorizer } from "../ingest/gateway/authorize";
import { KafkaSink } from "../collect/sinks/kafka-sink";
import { kafkaConnection } from "../ingest/kafka/from-config";
import { createCountsHandler } from "./counts-route";
import { startDemoFleet, storeHasDemoData, storeIsEmpty, type DemoWhen, type RunningDemo } from "./demo-runner";
import { configForStore } from "../demo/detections-config";
import { publishStore } from "./global-store";
import { ensureInitialAdmin, type InitialAdmin } from "./auth/initial-admin";
import { withClientIp } from "./auth/client-ip";
import { publishAuthRuntime } from "./auth/runtime";
import { dashboardApiRoutes, startDashboard, type DashboardApp } from "./next-app";
import { createRequestListener } from "./router";
import { allowedAuthorities, publicBaseUrl, publishPublicBaseUrl } from "./public-url";
import { runShutdown, stopAccepting } from "./shutdown";
import { prodtrailVersion } from "./version";
import { startDriftJob } from "../drift/start";
import { createRegisterHandler, REGISTER_PATH } from "../ingest/gateway/register";
import { createDriftGateHandler, DRIFT_GATE_PATH } from "../ingest/gateway/drift-gate";
import { startIntegrityJob } from "../ingest/integrity";
import { startDetections } from "../detections/start";
import { createRefusalRecorder } from "../ingest/auth/refusals";
import { JobRounds } from "./job-rounds";
import { storeFacts } from "./store-facts";
import { createServeMetrics } from "./metrics";
import { createMetricsHandler } from "./metrics-route";
import { acceptanceTracker, createHealthProbe } from "./health-probe";
import { kafkaLagReader } from "./kafka-lag";

export interface ServeOptions {
  config: Config;
  log: Logger;
  /** Next in development mode (Turbopack, compile on request) instead of a production build. */
  dev?: boolean;
  /** false: API only, no Next (gateway tests). Default true. */
  dashboard?: boolean;
  demo?: DemoWhen;
  /** An already open and migrated store (tests); otherwise opened from config and migrated here. */
  store?: Store;
  /** Replaces the StoreSink (tests plant a failing sink). */
  sink?: Sink;
  maxBodyBytes?: number;
  onBuildStart?: (reason: string) => void;
  /** Hard deadline for graceful shutdown. */
  shutdownDeadlineMs?: number;
  /** /api/health's thresholds and the store figures' cache (tests shorten them; defaults in server/health-probe.ts, server/store-facts.ts). */
  health?: { acceptedGraceMs?: number; failingRounds?: number; factsTtlMs?: number };
  /** Where the demo fleet keeps its collectors' keys and chains. Default: data_dir/demo-collectors/<database>. */
  demoStateDir?: string;
}

export interface RunningServe {
  url: string;
  host: string;
  port: number;
  store: Store;
  dashboard: DashboardApp["mode"] | "off";
  demo: boolean;
  /** The demo's backfill, when a demo runs (tests wait on it). */
  demoBackfill?: Promise<{ events: number }>;
  /** Why the demo fleet asked for did not start. */
  demoError?: string;
  /** The dashboard admin created on this first start (the CLI prints its password once). */
  initialAdmin: InitialAdmin;
  /** Job round bookkeeping behind /metrics and /api/health (tests record rounds). */
  jobs: JobRounds;
  /** Graceful shutdown; resolves false if the hard deadline cut it short. */
  close(): Promise<boolean>;
}

/** Host as a URL authority: IPv6 in brackets, wildcard binds reached on loopback. */
function urlHost(host: string): string {
  if (host === "0.0.0.0" || host === "") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return host.includes(":") ? `[${host}]` : host;
}

/**
 * `prodtrail serve` (embedded mode): store, HTTP gateway and dashboard in
 * one process, because the embedded engine lets only one process open its
 * data directory. Order: store → migrate → dashboard build/prepare → listen
 * → demo; shutdown runs the other way round.
 */
export async function startServe(options: ServeOptions): Promise<RunningServe> {
  const { config, log } = options;
  const ownsStore = options.store === undefined;
  const store = options.store ?? (await openStore({ clickhouse: config.clickhouse, dataDir: config.data_dir }));
  let dashboard: DashboardApp | undefined;
  let initialAdmin: InitialAdmin = { created: false };
  try {
    if (ownsStore) {
      const migrated = await migrate(store);
      log.info({ applied: migrated.applied.length, already: migrated.alreadyApplied, database: store.database }, "store migrated");
      const retention = await applyRetention(store, config.retention, "prodtrail serve");
      if (retention.changed) log.info({ changes: retention.changes }, "retention policy applied");
    }
    publishStore(store);
    if (options.dashboard !== false) {
      initialAdmin = await ensureInitialAdmin(store);
      dashboard = await startDashboard({
        dev: options.dev ?? config.server.dev,
        log,
        hostname: config.server.host,
        port: config.server.port,
        ...(options.onBuildStart ? { onBuildStart: options.onBuildStart } : {}),
      });
    }
  } catch (error) {
    publishStore(undefined);
    if (ownsStore) await store.close();
    throw error;
  }
  // Scale mode (KAFKA_BROKERS set): the gateway publishes to Kafka and answers
  // once Kafka acknowledged; ingest workers write the store. Embedded: the
  // gateway writes the store itself.
  // Scale mode: a copy conflicting with a stored event is answered 409 before
  // it reaches Kafka (the worker dead-letters one still in flight).
  const gatewayLog = log.child({ component: "gateway" });
  const sink =
    options.sink ??
    (config.kafka.brokers.length > 0
      ? new ConflictCheckingSink(gatewayKafkaSink(config, log), store, gatewayLog)
      : new StoreSink(store, { clockSkew: config.integrity.clock_skew, log: gatewayLog }));
  // The server's own records (views, exports, sign-ins, acceptances) take a
  // path no key can reach: straight into the store, in every mode. Every
  // entry point collectors use refuses them (schemas/server-only.ts).
  publishAuthRuntime({ sink: new StoreSink(store), config: config.auth });
  const refusals = createRefusalRecorder(store, log.child({ component: "refusals" }));
  // /metrics and /api/health: what the gateway accepted, how the jobs' rounds go, what the store says.
  const jobs = new JobRounds();
  const facts = storeFacts(store, options.health?.factsTtlMs !== undefined ? { ttlMs: options.health.factsTtlMs } : {});
  const metrics = createServeMetrics({ jobs, facts });
  const acceptances = acceptanceTracker();
  const counters = {
    accepted: (events: number) => {
      metrics.gateway.accepted(events);
      acceptances.accepted();
    },
    refused: metrics.gateway.refused,
  };
  const scale = config.kafka.brokers.length > 0;
  const kafkaLag = scale ? kafkaLagReader(config, log.child({ component: "health" })) : undefined;
  const health = createHealthProbe({
    jobs,
    facts,
    accepted: acceptances,
    ...(kafkaLag ? { kafkaLag: kafkaLag.read } : {}),
    ...(options.health?.acceptedGraceMs !== undefined ? { acceptedGraceMs: options.health.acceptedGraceMs } : {}),
    ...(options.health?.failingRounds !== undefined ? { failingRounds: options.health.failingRounds } : {}),
  });
  let allowedHosts: ReadonlySet<string> = new Set();
  const listener = createRequestListener(
    {
      api: {
        "/api/v1/events": createEventsHandler({
          sink,
          log: log.child({ component: "gateway" }),
          authorize: createKeyAuthorizer(store, config.server.api_keys),
          refusals,
          counters,
          ...(options.maxBodyBytes ? { maxBodyBytes: options.maxBodyBytes } : {}),
        }),
        "/api/v1/counts": createCountsHandler(store),
        [DRIFT_GATE_PATH]: createDriftGateHandler({ store, log: log.child({ component: "drift-gate" }) }),
        [REGISTER_PATH]: createRegisterHandler({ store, policy: config.server.api_keys, log: log.child({ component: "register" }), refusals }),
        "/api/health": createHealthHandler({ store, mode: scale ? "scale" : "embedded", version: prodtrailVersion(), pipeline: health }),
        "/metrics": createMetricsHandler({ registry: metrics.registry, store, policy: config.server.api_keys }),
      },
      ...(dashboard ? { fallback: withClientIp(dashboard.handle), dashboardApi: dashboardApiRoutes() } : {}),
    },
    log.child({ component: "http" }),
    { allowedHosts: () => allowedHosts },
  );
  const { headers_timeout_ms: headersMs, request_timeout_ms: requestMs } = config.server;
  const server = createServer(
    {
      // A stalled upload is cut off in seconds (Node's defaults: 60 s for headers, 300 s for the request).
      headersTimeout: Math.min(headersMs, requestMs),
      requestTimeout: requestMs,
      // Node looks for expired requests this often (default 30 s, which would let a 1 s limit hold for 30).
      connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(Math.min(headersMs, requestMs) / 2))),
    },
    listener,
  );
  // Beyond this, new connections are closed at accept: one slow client per socket cannot exhaust file descriptors.
  server.maxConnections = config.server.max_connections;
  // Bound to config.server.host, 127.0.0.1 by default. Off-host collectors
  // need an API key (ingest/gateway/authorize.ts) once the host is opened up.
  let port: number;
  try {
    port = await listen(server, config.server.host, config.server.port);
  } catch (error) {
    publishStore(undefined);
    publishAuthRuntime(undefined);
    await dashboard?.close();
    if (ownsStore) await store.close();
    throw error;
  }
  // Known once listening: port 0 binds a free port. No request is handled before this line runs.
  allowedHosts = allowedAuthorities(config.server, port);
  publishPublicBaseUrl(publicBaseUrl(config.server, port));
  const url = `http://${urlHost(config.server.host)}:${port}`;
  log.info({ url, dashboard: dashboard?.mode ?? "off", store: store.mode, data: store.dataPath }, "listening");

  // A demo that cannot start leaves a working server: the user still gets
  // the gateway and the dashboard, and is told why there is no demo data.
  let demo: RunningDemo | undefined;
  let demoError: string | undefined;
  const demoWhen = options.demo ?? "off";
  try {
    if (demoWhen === "always" || (demoWhen === "if-empty" && (await storeIsEmpty(store)))) {
      // Per database: two stores under one data_dir (tests, a server and an embedded run) never share chains.
      const stateDir = options.demoStateDir ?? join(config.data_dir, "demo-collectors", store.database);
      demo = await startDemoFleet({ gatewayUrl: url, config: config.demo, log: log.child({ component: "demo" }), store, stateDir });
    }
  } catch (error) {
    demoError = error instanceof Error ? error.message : String(error);
    log.error({ err: error }, "demo: could not start the demo fleet; serving without it");
  }

  // The drift job (drift/): classifies direct edits every drift.interval_seconds.
  // The demo's path mappings apply while the store holds demo data, so its
  // direct edits are classified rather than all "unmanaged" (demo/drift-config.ts).
  const demoData = demo !== undefined || (await storeHasDemoData(store).catch(() => false));
  // The demo's change window (demo/detections-config.ts) likewise, unless the user set one.
  const jobsConfig = configForStore(config, demoData);
  const drift = startDriftJob({ store, config: jobsConfig, log: log.child({ component: "drift" }), onRound: jobs.observer("drift") });
  if (jobsConfig.drift.interval_seconds <= 0) jobs.disable("drift", "drift.interval_seconds is 0");
  const integrity = startIntegrityJob({ store, log: log.child({ component: "integrity" }), intervalMs: config.integrity.interval_s * 1000, batch: config.integrity.batch, onRound: jobs.observer("integrity"), kafka: config.kafka });
  if (config.integrity.interval_s <= 0) jobs.disable("integrity", "integrity.interval_s is 0");
  // Detection rules (detections/) every detections.interval_seconds; a rule set that fails to load is logged, never fatal.
  const detections = await startDetections({ store, config: jobsConfig, log: log.child({ component: "detections" }), onRound: jobs.observer("detections") });
  if (detections.disabledReason !== "") jobs.disable("detections", detections.disabledReason);

  let closing: Promise<boolean> | undefined;
  const close = () => {
    closing ??= (async () => {
      let drained: Promise<void> = Promise.resolve();
      return runShutdown(
        [
          { name: "stop accepting connections", run: async () => void (drained = stopAccepting(server).drained) },
          ...(demo ? [{ name: "stop the demo fleet", run: () => demo.stop() }] : []),
          { name: "finish in-flight requests", run: () => drained },
          { name: "write pending refusal findings", run: () => refusals.flush() },
          ...(dashboard ? [{ name: "close the dashboard (Next)", run: () => dashboard.close() }] : []),
          { name: "stop the drift job", run: () => drift.stop() },
          { name: "stop the integrity job", run: () => integrity.stop() },
          { name: "stop the detections scheduler", run: () => detections.stop() },
          ...(kafkaLag ? [{ name: "close the health check's Kafka admin", run: () => kafkaLag.close() }] : []),
          {
            name: "close the store",
            run: async () => {
              publishStore(undefined);
              publishAuthRuntime(undefined);
              publishPublicBaseUrl(undefined);
              if (ownsStore) await store.close();
            },
          },
        ],
        log,
        options.shutdownDeadlineMs ?? 10_000,
      );
    })();
    return closing;
  };
  return {
    url,
    host: config.server.host,
    port,
    store,
    dashboard: dashboard?.mode ?? "off",
    demo: demo !== undefined,
    ...(demo ? { demoBackfill: demo.backfill } : {}),
    ...(demoError ? { demoError } : {}),
    initialAdmin,
    jobs,
    close,
  };
}

export class ListenError extends Error {
  constructor(host: string, port: number, cause: unknown) {
    const code = cause instanceof Error && "code" in cause ? String(cause.code) : "";
    const hint = code === "EADDRINUSE" ? ` — port ${port} is taken; stop the other process or pass --port` : "";
    super(`cannot listen on ${host}:${port}: ${cause instanceof Error ? cause.message : String(cause)}${hint}`, { cause });
    this.name = "ListenError";
  }
}

/** Resolves with the bound port (the real one when asked for port 0). */
function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: unknown) => reject(new ListenError(host, port, error));
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      const address = server.address();
      if (address === null || typeof address === "string") reject(new ListenError(host, port, "not a TCP address"));
      else resolve(address.port);
    });
  });
}

function gatewayKafkaSink(config: Config, log: Logger): Sink {
  return new KafkaSink({ connection: kafkaConnection(config.kafka, "gateway", log.child({ component: "kafka" })), collectorId: "gateway" });
}

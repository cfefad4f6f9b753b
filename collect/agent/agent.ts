import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Config } from "../../config/schema";
import { createLogger, type Logger } from "../../lib/log";
import { Signer } from "../sign";
import type { Sink } from "../sink";
import { sinkFromConfig } from "../sinks/from-config";
import { createShipper, Spool } from "../spool";
import { decodeEvent, decodeRecord } from "./codec";
import { AgentStoppingError, Pipeline } from "./pipeline";
import { registerCollectorKey } from "./register";
import { publishWithRejects, setAsideUndecodable } from "./rejected";
import { openSources, type AgentSources } from "./sources";
import { agentStats, type AgentStats } from "./stats";
import { createCollectorMetrics, listenCollectorMetrics } from "./metrics";

const MiB = 1024 * 1024;

export interface AgentOptions {
  log?: Logger;
  /** Replaces the configured sink (tests). */
  sink?: Sink;
  /** Tailer polling fallback (tests: short). Default 1000 ms. */
  pollIntervalMs?: number;
  /** Shipper retry backoff (tests: short). */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Retry of the key registration while the gateway is unreachable. Default 60 s. */
  registerRetryMs?: number;
  collectorVersion?: string;
}

export interface RunningAgent {
  stateDir: string;
  collectorId: string;
  publicKeyPem: string;
  /** The k8s webhook's URL when that source is on. */
  k8sUrl: string | undefined;
  /** GET /metrics of this collector when collect.metrics_listen is set. */
  metricsUrl: string | undefined;
  pipeline: Pipeline;
  stats(): AgentStats;
  /** Settles when the agent stopped on its own: rejects on a fatal fault (spool corrupt, undecodable record). */
  fatal: Promise<never>;
  /** Graceful shutdown within collect.shutdown_deadline_ms; false if the deadline cut it short. */
  stop(reason?: string): Promise<boolean>;
}

/** The spool's segments: at most 16 MiB, and at least 4 of them in max_bytes (the spool needs ≥ 2; 4 leaves room to free one while writing). */
export function segmentBytesFor(maxBytes: number): number {
  return Math.max(4096, Math.min(16 * MiB, Math.floor(maxBytes / 4)));
}

/**
 * `prodtrail collect` as a daemon: spool → signer → sources → shipper.
 * Order matters: the spool's newest record goes to the signer (crash between
 * spool append and chain.json) and its tail checkpoints to the tailers
 * (crash between spool append and offset commit) before any source reads.
 */
export async function startAgent(config: Config, options: AgentOptions = {}): Promise<RunningAgent> {
  const c = config.collect;
  const log = (options.log ?? createLogger("collect", config.log_level)).child({ collector_id: c.collector_id });
  const stateDir = c.state_dir ?? join(config.data_dir, "collector");
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const segmentBytes = segmentBytesFor(c.spool.max_bytes);
  const spool = await Spool.open(
    { dir: join(stateDir, "spool"), maxBytes: c.spool.max_bytes, segmentBytes, fsync: c.spool.fsync, fsyncIntervalMs: c.spool.fsync_interval_ms },
    { log },
  );
  const closers: Array<() => Promise<unknown>> = [() => spool.close()];
  try {
    const tailRaw = await spool.lastRecord();
    const tail = tailRaw === null ? null : decodeRecord(tailRaw);
    const signer = await Signer.open({
      stateDir: join(stateDir, "sign"), collectorId: c.collector_id, spoolTail: tail?.event ?? null, backgroundChainState: true, log,
      ...(options.collectorVersion ? { collectorVersion: options.collectorVersion } : {}),
    });
    closers.push(() => signer.flush());
    const pipeline = new Pipeline(signer, spool, Math.floor(segmentBytes / 2), log);
    const ctx = { collectorId: c.collector_id, host: c.host, env: c.env, ...(c.service ? { service: c.service } : {}), now: () => new Date() };
    const metrics = createCollectorMetrics();
    closers.unshift(async () => metrics.stop());
    const sink = metrics.timed(options.sink ?? sinkFromConfig(config, log));
    closers.unshift(() => sink.close());
    const sources = await openSources({
      config: c, stateDir, ctx, pipeline, resumeFrom: tail?.checkpoints ?? new Map(), log,
      ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
    });
    closers.unshift(async () => sources.k8s?.close());

    const shipper = createShipper({
      spool, decode: decodeEvent, publish: publishWithRejects(sink, join(stateDir, "rejected"), log), log,
      // A record spooled by an older collector that today's schema refuses
      // (e.g. a lone UTF-16 surrogate) is filed, not retried forever.
      setAside: setAsideUndecodable(join(stateDir, "rejected"), log),
      ...(options.backoff ? { backoff: options.backoff } : {}),
    });
    let failFatal: (err: unknown) => void = () => undefined;
    const fatal = new Promise<never>((_, reject) => (failFatal = reject));
    fatal.catch(() => undefined);
    const onFault = (what: string) => (err: unknown): void => {
      if (err instanceof AgentStoppingError) return;
      log.fatal({ err }, `${what} failed; the collector stops (restart it; nothing spooled is lost)`);
      failFatal(err);
    };
    shipper.start().catch(onFault("shipper"));
    for (const t of sources.tails) t.start().catch(onFault("tail source"));
    for (const p of sources.packages?.start() ?? []) p.catch(onFault("packages source"));
    sources.files?.start().catch((err: unknown) => log.error({ err }, "files source: initial scan failed; the next rescan retries"));
    sources.git?.start();

    const registering = new AbortController();
    if (c.sink.kind === "http") {
      void registerCollectorKey(
        { url: c.sink.url, ...(c.sink.api_key ? { apiKey: c.sink.api_key } : {}), ...(c.sink.enrolment_token ? { enrolmentToken: c.sink.enrolment_token } : {}), collectorId: c.collector_id, publicKeyPem: signer.keys.publicKeyPem, log, ...(options.registerRetryMs ? { retryMs: options.registerRetryMs } : {}) },
        registering.signal,
      );
    } else {
      log.warn(
        { public_key_file: join(stateDir, "sign", "collector.pub") },
        "Kafka sink: register this collector's public key on the server (`prodtrail collectors register <collector_id> --file <public_key_file>`), or ingest flags its events as unverified",
      );
    }
    const stats = (): AgentStats => agentStats(sources, spool, shipper, pipeline);
    metrics.observe(stats);
    const metricsListener = await listenCollectorMetrics(metrics, c.metrics_listen);
    if (metricsListener) closers.unshift(() => metricsListener.close());
    const statsTimer = setInterval(() => log.info(stats(), "collector stats"), c.stats_interval_s * 1000);
    statsTimer.unref();
    if (sources.stats.size === 0) log.warn("no sources configured (collect.sources): the collector only ships what its spool already holds");
    log.info({ state_dir: stateDir, sink: sink.name, sources: [...sources.stats.keys()], next_seq: signer.next.nextSeq }, "collector started");

    let stopping: Promise<boolean> | null = null;
    const stop = (reason = "stop"): Promise<boolean> => {
      stopping ??= shutdown({ reason, deadlineMs: c.shutdown_deadline_ms, sources, pipeline, log, stopShipper: (g) => shipper.stop(g, { drain: true }), closers, before: () => {
        clearInterval(statsTimer);
        registering.abort();
      } }).then((clean) => {
        log.info({ clean, ...stats() }, "collector stopped");
        return clean;
      });
      return stopping;
    };
    return { stateDir, collectorId: c.collector_id, publicKeyPem: signer.keys.publicKeyPem, k8sUrl: sources.k8s?.url, metricsUrl: metricsListener ? `http://${metricsListener.host.includes(":") ? `[${metricsListener.host}]` : metricsListener.host}:${metricsListener.port}/metrics` : undefined, pipeline, stats, fatal, stop };
  } catch (err) {
    for (const close of closers) await close().catch(() => undefined);
    throw err;
  }
}

interface ShutdownParts {
  reason: string;
  deadlineMs: number;
  sources: AgentSources;
  pipeline: Pipeline;
  log: Logger;
  stopShipper(graceMs: number): Promise<void>;
  closers: Array<() => Promise<unknown>>;
  before(): void;
}

/** Stop intake → flush parsers into the spool → commit → drain the spool through the shipper (grace) → close sink and spool; all within the deadline. */
async function shutdown(p: ShutdownParts): Promise<boolean> {
  const started = Date.now();
  const left = (): number => Math.max(0, p.deadlineMs - (Date.now() - started));
  p.log.info({ reason: p.reason, deadline_ms: p.deadlineMs }, "collector stopping");
  p.before();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), p.deadlineMs)));
  const work = (async (): Promise<true> => {
    // A full spool cannot take the flushed events: give up waiting so the sources can stop (their lines are re-read next start).
    if (p.pipeline.paused) p.pipeline.stop();
    const { sources } = p;
    await Promise.all([...sources.tails.map((t) => t.stop()), sources.packages?.stop(), sources.files?.close(), sources.git?.close(), sources.k8s?.close()]);
    for (const t of sources.tails) await writeFlushed(p, t.flushEvents(), async () => t.commitReady());
    if (sources.packages) {
      const pk = sources.packages;
      const flushed = pk.flushEvents();
      await writeFlushed(p, flushed, () => pk.commitAll(flushed));
    }
    p.pipeline.stop();
    await p.stopShipper(Math.max(0, left() - 1000));
    return true;
  })();
  const clean = await Promise.race([work, deadline]);
  clearTimeout(timer);
  if (!clean) p.log.error({ deadline_ms: p.deadlineMs }, "shutdown deadline passed; closing now (unshipped events stay in the spool)");
  for (const close of p.closers) await close().catch((err: unknown) => p.log.error({ err }, "close failed"));
  return clean;
}

async function writeFlushed(p: ShutdownParts, events: Parameters<Pipeline["write"]>[0], then: () => Promise<void>): Promise<void> {
  try {
    await p.pipeline.write(events);
    await then();
  } catch (err) {
    if (!(err instanceof AgentStoppingError)) p.log.error({ err, events: events.length }, "flushing a parser at shutdown failed");
  }
}

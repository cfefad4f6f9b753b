import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/**
 * The Prometheus helpers every prodtrail process shares (serve, the
 * collector; prom-client, as ingest/worker/metrics.ts uses it). One registry
 * per process part, never prom-client's global one: two servers or
 * collectors in one test process keep separate figures.
 */
export { Counter, Gauge, Histogram, Registry };

export function createRegistry(options: { defaultMetrics?: boolean } = {}): Registry {
  const registry = new Registry();
  // Default process metrics (CPU, RSS, event-loop lag, GC, handles), prefixed process_/nodejs_.
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  return registry;
}

/** Latency buckets for one network send or store round trip, 5 ms to 30 s. */
export const SEND_SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Background job rounds: a drift or detections round over a busy store runs seconds to minutes. */
export const ROUND_SECONDS_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/** Answers a scrape: the registry's text exposition, or 500 naming what failed. */
export async function writeMetrics(registry: Registry, res: ServerResponse): Promise<void> {
  try {
    const text = await registry.metrics();
    res.writeHead(200, { "content-type": registry.contentType, "cache-control": "no-store" });
    res.end(text);
  } catch (error) {
    res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
    res.end(`metrics collection failed: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}

export interface MetricsListener {
  host: string;
  port: number;
  close(): Promise<void>;
}

export class MetricsListenError extends Error {
  constructor(address: string, cause: unknown) {
    super(`cannot open the metrics listener on ${address}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "MetricsListenError";
  }
}

/** A listener that serves only GET /metrics (a collector has no other HTTP surface); port 0 picks a free one. */
export async function listenForMetrics(registry: Registry, host: string, port: number): Promise<MetricsListener> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    const path = (req.url ?? "/").split("?")[0];
    if (path !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("only GET /metrics here\n");
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    void writeMetrics(registry, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error) => reject(new MetricsListenError(`${host}:${port}`, error)));
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return {
    host,
    port: typeof address === "object" && address !== null ? address.port : port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** "host:port" (IPv6 in brackets) → parts; a config value that is neither is refused by config/collect.ts's schema. */
export function parseListenAddress(text: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  if (host === undefined || !Number.isInteger(port) || port > 65535) throw new RangeError(`${JSON.stringify(text)} is not host:port (e.g. 127.0.0.1:9465)`);
  return { host, port };
}

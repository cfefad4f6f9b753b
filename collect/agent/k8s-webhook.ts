import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "../../lib/log";
import { K8sParser } from "../sources/k8s";
import { ParserStats, type SourceContext } from "../sources/types";
import { AgentStoppingError, type Pipeline } from "./pipeline";

export interface K8sWebhookOptions {
  host: string;
  port: number;
  maxBodyBytes: number;
  ctx: SourceContext;
  pipeline: Pipeline;
  log: Logger;
}

class BodyTooLarge extends Error {}

/**
 * The Kubernetes audit webhook backend posts `audit.k8s.io/v1` EventLists
 * here. 200 only once the events are spooled: any other answer makes the
 * API server retry the batch (its webhook backend retries with backoff), so
 * nothing is lost when the spool is full (503) or the collector stops (503).
 * Plain HTTP: bind loopback or put TLS in front (not built in).
 */
export class K8sWebhook {
  readonly stats = new ParserStats();
  private readonly server: Server;
  private requests = 0;

  private constructor(private readonly opts: K8sWebhookOptions) {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  static async listen(opts: K8sWebhookOptions): Promise<K8sWebhook> {
    const hook = new K8sWebhook(opts);
    await new Promise<void>((resolve, reject) => {
      hook.server.once("error", reject);
      hook.server.listen(opts.port, opts.host, () => {
        hook.server.off("error", reject);
        resolve();
      });
    });
    opts.log.info({ url: hook.url }, "k8s audit webhook listening");
    return hook;
  }

  get url(): string {
    const a = this.server.address();
    const port = typeof a === "object" && a !== null ? (a satisfies AddressInfo).port : this.opts.port;
    return `http://${this.opts.host.includes(":") ? `[${this.opts.host}]` : this.opts.host}:${port}/`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
    });
  }

  private addStats(s: ParserStats): void {
    this.stats.lines += s.lines;
    this.stats.events += s.events;
    this.stats.ignored += s.ignored;
    this.stats.unparsed += s.unparsed;
    this.stats.invalid += s.invalid;
    for (const sample of s.samples) {
      if (this.stats.samples.length >= 8) this.stats.samples.shift();
      this.stats.samples.push(sample);
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const reply = (status: number, body: object): void => {
      res.writeHead(status, { "content-type": "application/json", ...(status === 503 ? { "retry-after": "10" } : {}) });
      res.end(JSON.stringify(body));
    };
    if (req.method !== "POST") return reply(405, { error: "POST an audit.k8s.io/v1 EventList" });
    if (this.opts.pipeline.paused) return reply(503, { error: "collector spool is full; retry later" });
    let body: string;
    try {
      body = await readBody(req, this.opts.maxBodyBytes);
    } catch (err) {
      if (err instanceof BodyTooLarge) return reply(413, { error: `body over ${this.opts.maxBodyBytes} bytes (collect.sources.k8s.max_body_bytes)` });
      return reply(400, { error: "request body could not be read" });
    }
    // A parser per request: K8sParser remembers auditIDs to drop repeats, and
    // a batch we answer 500/503 to comes back — it must not be dropped then.
    // Repeats of a spooled batch keep their event ids (from auditID): the store deduplicates.
    const parser = new K8sParser(this.opts.ctx);
    this.requests += 1;
    const events = parser.push(body, { file: "k8s-webhook", offset: this.requests });
    this.addStats(parser.stats);
    if (events.length === 0 && parser.stats.unparsed > 0) {
      const sample = parser.stats.samples.at(-1);
      return reply(400, { error: `not an audit.k8s.io EventList: ${sample?.reason ?? "unparsed"}` });
    }
    try {
      await this.opts.pipeline.write(events);
      reply(200, { accepted: events.length });
    } catch (err) {
      if (err instanceof AgentStoppingError) return reply(503, { error: "collector is stopping; retry" });
      this.opts.log.error({ err, events: events.length }, "k8s audit batch not spooled; the API server will retry");
      reply(500, { error: "events not stored; retry" });
    }
  }
}

function readBody(req: IncomingMessage, max: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    // Past the limit the rest is read and discarded, so the 413 reaches the client.
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) parts.push(chunk);
      else parts.length = 0;
    });
    req.on("end", () => (size > max ? reject(new BodyTooLarge()) : resolve(Buffer.concat(parts).toString("utf8"))));
    req.on("error", reject);
  });
}

/**
 * Shared by the agent's tests: real gateway (`startServe` without Next) over
 * a test store, real files, a query reading one collector's stream back.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { configSchema, type Config } from "../../config/schema";
import { createLogger } from "../../lib/log";
import type { AuditEvent } from "../../schemas";
import { startServe, type RunningServe } from "../../server/serve";
import { fromEventRow } from "../../store/event-rows";
import type { Store } from "../../store/open";
import { defineQuery } from "../../store/query";

export const quiet = createLogger("agent-test", process.env.AGENT_TEST_LOG ?? "silent");

/** One sshd login per line (→ one access.login event), RFC 3339 time, unique pid and port per i. */
export function authLine(i: number): string {
  const sec = String(i % 60).padStart(2, "0");
  const min = String(Math.floor(i / 60) % 60).padStart(2, "0");
  return `2026-11-22T07:${min}:${sec}.000000+00:00 web-01 sshd[${10_000 + i}]: Accepted publickey for alice from 10.0.0.5 port ${20_000 + i} ssh2: ED25519 SHA256:uFqLqDd0Qq2wq5bGm8Y9z4d0tT9f5l0v6w1oQfQm6cE`;
}

export const authLines = (from: number, to: number): string => Array.from({ length: to - from }, (_, k) => `${authLine(from + k)}\n`).join("");

/** Every stored event of one collector, deduplicated (FINAL), in seq order. */
export const streamQuery = defineQuery({
  name: "test.collector_stream",
  params: z.object({ collector: z.string() }),
  row: z.unknown().transform((row) => fromEventRow(row)),
  sql: (t) => `SELECT * FROM ${t.events} FINAL WHERE collector_id = {collector:String} ORDER BY seq`,
});

/** Per event_id, how many different seqs it was stored under (1 unless a line was read twice and re-signed). */
export const seqsPerEventQuery = defineQuery({
  name: "test.seqs_per_event",
  params: z.object({ collector: z.string() }),
  row: z.object({ event_id: z.string(), seqs: z.coerce.number() }),
  sql: (t) => `SELECT event_id, uniqExact(seq) AS seqs FROM ${t.events} WHERE collector_id = {collector:String} GROUP BY event_id HAVING seqs > 1`,
});

export async function stream(store: Store, collector: string): Promise<AuditEvent[]> {
  return streamQuery(store, { collector });
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const got = await probe();
    if (got !== undefined) return got;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export function gateway(store: Store, port = 0): Promise<RunningServe> {
  return startServe({ config: configSchema.parse({ server: { host: "127.0.0.1", port } }), log: quiet, store, dashboard: false });
}

export async function tempDir(label: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `prodtrail-agent-${label}-`));
}

/** A collector config: one auth.log, the gateway at `url`, state under `dir`. */
export function agentConfig(dir: string, url: string, collectorId: string, extra: Record<string, unknown> = {}): Config {
  return configSchema.parse({
    data_dir: join(dir, "data"),
    collect: {
      collector_id: collectorId, host: "web-01", env: "prod", state_dir: join(dir, "state"), shutdown_deadline_ms: 5000,
      sink: { kind: "http", url }, spool: { fsync: "never" },
      sources: { auth: { paths: [join(dir, "auth.log")] } },
      ...extra,
    },
  });
}

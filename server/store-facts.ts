import { z } from "zod";
import { chTimeToIso } from "../store/event-rows";
import type { Store } from "../store/open";
import { defineQuery } from "../store/query";

/**
 * Figures /metrics and /api/health read from the store: the newest
 * received_at and the unresolved findings by severity. Each is one
 * aggregate over a column (max(received_at) scans one 8-byte column: tens
 * of milliseconds at 10M events), kept for `ttlMs` (15 s: a scrape every
 * 15–60 s and a health probe every few seconds cost at most one query per
 * window), and one query at a time however many callers wait on it.
 */
const newestQuery = defineQuery({
  name: "health.newest_received",
  params: z.object({}),
  row: z.object({ events: z.coerce.number(), newest: z.string() }),
  sql: (t) => `SELECT count() AS events, toString(max(received_at)) AS newest FROM ${t.events}`,
});

const findingsQuery = defineQuery({
  name: "metrics.findings_by_severity",
  params: z.object({}),
  row: z.object({ severity: z.string(), status: z.string(), findings: z.coerce.number() }),
  sql: (t) => `SELECT severity, status, count() AS findings FROM ${t.findings} FINAL GROUP BY severity, status`,
});

export interface NewestEvent {
  /** ISO time of the newest received_at; undefined when the store holds no event. */
  receivedAt: string | undefined;
  events: number;
}

export interface StoreFacts {
  newestEvent(): Promise<NewestEvent>;
  findings(): Promise<Array<{ severity: string; status: string; findings: number }>>;
}

function cached<T>(ttlMs: number, load: () => Promise<T>, now: () => number): () => Promise<T> {
  let value: { at: number; data: T } | undefined;
  let loading: Promise<T> | undefined;
  return () => {
    if (value !== undefined && now() - value.at < ttlMs) return Promise.resolve(value.data);
    loading ??= load()
      .then((data) => {
        value = { at: now(), data };
        return data;
      })
      .finally(() => (loading = undefined));
    return loading;
  };
}

export function storeFacts(store: Store, options: { ttlMs?: number; now?: () => number } = {}): StoreFacts {
  const ttl = options.ttlMs ?? 15_000;
  const now = options.now ?? Date.now;
  return {
    newestEvent: cached(
      ttl,
      async () => {
        const [row] = await newestQuery(store, {});
        return { events: row?.events ?? 0, receivedAt: row !== undefined && row.events > 0 ? chTimeToIso(row.newest) : undefined };
      },
      now,
    ),
    findings: cached(ttl, () => findingsQuery(store, {}), now),
  };
}

import { z } from "zod";
import type { AuditEvent } from "../schemas";
import type { Store } from "./open";
import { defineQuery } from "./query";
import { chTimeToIso } from "./event-rows";
import { contentHash, deduplicationToken } from "./content-hash";
import { eventIdsTableLines, type PreparedEvent } from "./event-lines";
import { insertJsonLines, type InsertTransport } from "./insert-transport";

/**
 * `event_ids` (store/migrations/0011_events_first_wins.sql): event_id →
 * content hash, env, occurred_at of the first stored version. Ordered by
 * event_id, so looking up a batch's ids is a primary-key point lookup per id
 * instead of a scan of `events`, whose key starts with env and time.
 */
export interface IndexedEvent {
  event_id: string;
  content_hash: string;
  env: string;
  occurred_at: string;
}

/**
 * 2100-01-01T00:00:00Z in ms. `ver` = this minus the receive time, so the
 * FIRST received copy has the highest ver and ReplacingMergeTree(ver), which
 * keeps the max, keeps it. The schema refuses occurred_at from 2100 on; receive
 * times are the server's clock, decades below.
 */
export const VER_BASE_MS = 4_102_444_800_000;

export function versionOf(receivedAt: string): number {
  return VER_BASE_MS - Date.parse(receivedAt);
}

// argMax over ver without FINAL: the row of the first received copy, whatever merges did yet.
const lookupQuery = defineQuery({
  name: "event_ids.lookup",
  params: z.object({ ids: z.array(z.string()).min(1).max(100_000) }),
  row: z.object({
    event_id: z.string(),
    content_hash: z.string(),
    env: z.string(),
    occurred_at: z.string().transform(chTimeToIso),
  }),
  sql: (t) => `
    SELECT event_id, argMax(content_hash, ver) AS content_hash, argMax(env, ver) AS env, argMax(occurred_at, ver) AS occurred_at
    FROM ${t.event_ids}
    WHERE event_id IN {ids:Array(String)}
    GROUP BY event_id`,
});

/** The first stored version's facts for each of these ids that the store holds. */
export async function lookupEventIds(
  store: Store,
  ids: readonly string[],
  readStored: (ids: string[]) => Promise<AuditEvent[]>,
): Promise<Map<string, IndexedEvent>> {
  if (ids.length === 0) return new Map();
  const rows = await lookupQuery(store, { ids: [...new Set(ids)] });
  const found = new Map(rows.map((r) => [r.event_id, r]));
  // Events stored before 0011 were indexed without a hash: hash what the table holds.
  const legacy = rows.filter((r) => r.content_hash === "").map((r) => r.event_id);
  if (legacy.length > 0) {
    // Before 0011 one id could be stored twice under different sort keys: the first received is the original.
    const stored = (await readStored(legacy)).sort((a, b) => (a.received_at ?? "").localeCompare(b.received_at ?? ""));
    const hashed = new Set<string>();
    for (const event of stored) {
      const entry = found.get(event.event_id);
      if (!entry || hashed.has(event.event_id)) continue;
      hashed.add(event.event_id);
      found.set(event.event_id, { ...entry, content_hash: contentHash(event) });
    }
  }
  return found;
}

/** Index rows for events just inserted into `events` (written after them: see store/first-write.ts). */
export async function insertIndexRows(store: Store, prepared: readonly PreparedEvent[], receivedAt: string, transport?: InsertTransport): Promise<void> {
  await insertJsonLines(
    store,
    {
    table: "event_ids",
    lines: eventIdsTableLines(prepared, versionOf(receivedAt)),
    rows: prepared.length,
    deduplicationToken: deduplicationToken("event-ids", prepared.map((p) => p.hash)),
    },
    transport,
  );
}

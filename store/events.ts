import { createHash } from "node:crypto";
import { z } from "zod";
import { canonicalJson, type AuditEvent } from "../schemas";
import type { Store } from "./open";
import { defineQuery, insertRows } from "./query";
import { fromEventRow, toEventRow } from "./event-rows";

/**
 * Writing and reading the `events` table.
 *
 * Exactly once as readers see it: delivery is at-least-once, so the same
 * event (same event_id, same content) can be inserted twice — a retried
 * gateway batch, a redelivered Kafka batch. Two layers keep it from being
 * counted twice:
 *  1. an insert_deduplication_token built from the batch's content: the
 *     same batch inserted again is dropped by the engine at insert time;
 *  2. the table is a ReplacingMergeTree whose sort key ends in event_id, so
 *     any duplicate that got through (a batch cut differently) collapses on
 *     merge, and readers that need exact figures before merges read FINAL.
 */
export function batchDeduplicationToken(events: readonly AuditEvent[]): string {
  const hash = createHash("sha256");
  for (const event of events) {
    hash.update(canonicalJson({ ...event, received_at: undefined }));
    hash.update("\n");
  }
  return `events-${hash.digest("hex")}`;
}

export async function insertEvents(store: Store, events: readonly AuditEvent[], receivedAt = new Date().toISOString()): Promise<void> {
  if (events.length === 0) return;
  await insertRows(store, {
    table: "events",
    rows: events.map((event) => toEventRow(event, receivedAt)),
    deduplicationToken: batchDeduplicationToken(events),
  });
}

export const eventsByIdQuery = defineQuery({
  name: "events.by_id",
  params: z.object({ ids: z.array(z.string()).min(1).max(10_000) }),
  row: z.unknown().transform((row) => fromEventRow(row)),
  sql: (t) => `SELECT * FROM ${t.events} FINAL WHERE event_id IN {ids:Array(String)} ORDER BY occurred_at, event_id`,
});

export const countEventsQuery = defineQuery({
  name: "events.count",
  params: z.object({}),
  row: z.object({ events: z.coerce.number(), rows: z.coerce.number() }),
  sql: (t) => `SELECT uniqExact(event_id) AS events, count() AS rows FROM ${t.events}`,
});

/** Counts for the last-24-hours panel: distinct events per category × channel. */
export const countsByCategoryChannelQuery = defineQuery({
  name: "events.counts_by_category_channel",
  params: z.object({ from: z.string(), to: z.string(), env: z.string().default("") }),
  row: z.object({ category: z.string(), channel: z.string(), events: z.coerce.number() }),
  sql: (t) => `
    SELECT category, channel, uniqExact(event_id) AS events
    FROM ${t.events}
    WHERE occurred_at >= parseDateTime64BestEffort({from:String}, 3)
      AND occurred_at <  parseDateTime64BestEffort({to:String}, 3)
      AND (empty({env:String}) OR env = {env:String})
    GROUP BY category, channel
    ORDER BY events DESC, category, channel`,
});

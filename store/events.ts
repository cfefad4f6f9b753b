import { z } from "zod";
import type { AuditEvent } from "../schemas";
import type { Store } from "./open";
import { defineQuery } from "./query";
import { fromEventRow } from "./event-rows";
import { deduplicationToken } from "./content-hash";
import { insertIndexRows, versionOf } from "./event-index";
import { eventsTableLines, prepareEvents, type PreparedEvent } from "./event-lines";
import { defaultTransport, insertJsonLines, type InsertTransport } from "./insert-transport";
import { monthOf, partitionChunks } from "./partition-chunks";

/**
 * Writing and reading the `events` table.
 *
 * The first stored version of an event is the truth, forever. Delivery is
 * at-least-once, so the same event arrives again (a retried gateway batch, a
 * redelivered Kafka batch), and anyone can post a different event under an
 * id that exists. ClickHouse has no compare-and-set, so four layers:
 *  1. store/first-write.ts, the write path of the gateway and the ingest
 *     workers, looks the batch's ids up in `event_ids` (ordered by event_id:
 *     point lookups) and compares content hashes (store/content-hash.ts):
 *     identical resends are dropped, different content is refused (also
 *     within one batch), only new events reach insertEvents below. One
 *     writer per store per process (a mutex) makes check+insert atomic
 *     within a process; across ingest workers, Kafka messages are keyed by
 *     event_id (collect/sinks/kafka-sink.ts), so all copies of one event are
 *     on one partition, handled in order by its one owner.
 *  2. insertEvents writes the events rows FIRST and their index rows after:
 *     a crash between the two leaves events the index does not know, so the
 *     redelivery re-inserts them; identical rows collapse (layers 3 and 4).
 *     The other order could index an event that was never stored and then
 *     drop its redelivery as a "resend": a lost event.
 *  3. an insert_deduplication_token built from the per-event hashes: the
 *     same batch inserted again is dropped by the engine at insert time;
 *  4. the table is ReplacingMergeTree(ver), ver = inverted receive time
 *     (store/event-index.ts): if two rows of one key ever coexist (a raw
 *     insertEvents of a copy, a race the layers above do not cover), the
 *     FIRST received survives merges and FINAL; readers that need exact
 *     figures before merges read FINAL or count uniqExact(event_id).
 *
 * insertEvents itself does not consult the index: it is the raw append for
 * writers that create their own events (CLI, tests planting duplicates).
 *
 * Residual race, stated honestly: the lock is per process. Two PROCESSES
 * that write one store without Kafka between them (several `serve` gateways
 * in embedded-gateway mode against one ClickHouse server, or a gateway's
 * StoreSink beside ingest workers) can both find a new id absent and both
 * store it, within the ~10 ms between lookup and insert. Same sort key: the
 * first received still wins every read (layer 4), but the later sender was
 * told 200. Different env or occurred_at: both rows stay visible. Scale mode
 * as shipped (gateway → Kafka → workers) has no such window.
 */
export async function insertEvents(
  store: Store,
  events: readonly AuditEvent[],
  receivedAt = new Date().toISOString(),
  hashes?: readonly string[],
): Promise<void> {
  await insertPreparedEvents(store, prepareEvents(events, hashes), receivedAt);
}

/**
 * insertEvents for events already serialised once (store/event-lines.ts):
 * the same string was hashed for the token and is sent as the row, through
 * the store's transport (store/insert-transport.ts; tests and the bench name one).
 */
export async function insertPreparedEvents(
  store: Store,
  prepared: readonly PreparedEvent[],
  receivedAt: string,
  transport: InsertTransport = defaultTransport(store),
): Promise<void> {
  if (prepared.length === 0) return;
  const ver = versionOf(receivedAt);
  for (const chunk of partitionChunks(prepared, (p) => monthOf(p.event.occurred_at))) {
    const part = chunk.flatMap((i) => (prepared[i] ? [prepared[i]] : []));
    await insertJsonLines(store, {
      table: "events",
      lines: eventsTableLines(part, receivedAt, ver),
      rows: part.length,
      deduplicationToken: deduplicationToken("events", part.map((p) => p.hash)),
    }, transport);
    // Per chunk, so a later chunk refused for good leaves the earlier ones indexed (their resend is a duplicate, not a second row).
    await insertIndexRows(store, part, receivedAt, transport);
  }
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

import { z } from "zod";
import type { AuditEvent } from "../../schemas";
import type { Store } from "../../store/open";
import { defineQuery } from "../../store/query";
import { fromEventRow } from "../../store/event-rows";

/**
 * Reading one collector's signed stream from `events`: its chained events
 * (`hash` set: heads with `sig`, and the unsigned links a head vouches
 * for; "signed" and "unsigned" below count chained and unchained). Every read is FINAL:
 * a redelivered event (same event_id, same sort key) may still be two rows
 * before a merge, and verification must see it once. (events is ordered by
 * (env, occurred_at, event_id), so these collector/seq reads scan; the
 * bounded page size keeps each read's result small, not its scan.)
 */
const eventRow = z.unknown().transform((row) => fromEventRow(row));

/** Largest seq a query bound can name (UInt64 in the table; JS numbers are exact to 2^53). */
export const MAX_SEQ = Number.MAX_SAFE_INTEGER;

export const collectorsQuery = defineQuery({
  name: "integrity.collectors",
  params: z.object({ collector_id: z.string().default("") }),
  row: z.object({ collector_id: z.string(), signed: z.coerce.number(), unsigned: z.coerce.number() }),
  sql: (t) => `
    SELECT collector_id, uniqExactIf(event_id, hash != '') AS signed, uniqExactIf(event_id, hash = '') AS unsigned
    FROM ${t.events}
    WHERE collector_id != '' AND (empty({collector_id:String}) OR collector_id = {collector_id:String})
    GROUP BY collector_id
    ORDER BY collector_id`,
});

const pageQuery = defineQuery({
  name: "integrity.stream_page",
  params: z.object({
    collector_id: z.string().min(1),
    from: z.number().int().min(0),
    to: z.number().int().min(0),
    since: z.string().default("1970-01-01T00:00:00Z"),
    limit: z.number().int().min(1).max(100_000),
  }),
  row: eventRow,
  sql: (t) => `
    SELECT * FROM ${t.events} FINAL
    WHERE collector_id = {collector_id:String} AND hash != '' AND seq IS NOT NULL
      AND seq >= {from:UInt64} AND seq <= {to:UInt64}
      AND occurred_at >= parseDateTime64BestEffort({since:String}, 3)
    ORDER BY seq, event_id
    LIMIT {limit:UInt32}`,
});

export interface Page {
  events: AuditEvent[];
  /** Where the next page starts; undefined when this was the last. */
  next: number | undefined;
}

/**
 * Signed events with `from` <= seq <= `to`, ordered by seq, at most `limit`.
 * A full page never ends in the middle of a seq: two events claiming one
 * seq (a fork) must be verified together, so the page's last seq is left
 * for the next page (unless the whole page is that one seq).
 */
export async function readPage(
  store: Store,
  opts: { collectorId: string; from: number; to?: number; since?: string; limit: number },
): Promise<Page> {
  // One row more than asked: it tells whether the page's last seq continues on the next page.
  const rows = await pageQuery(store, {
    collector_id: opts.collectorId,
    from: opts.from,
    to: opts.to ?? MAX_SEQ,
    limit: opts.limit + 1,
    ...(opts.since !== undefined ? { since: opts.since } : {}),
  });
  const boundary = rows[opts.limit]?.seq;
  if (boundary === undefined) return { events: forkPartnersFirst(rows), next: undefined };
  const whole = rows.slice(0, opts.limit).filter((e) => e.seq !== boundary);
  // A whole page of one seq (thousands of forks of one position): move on past it.
  if (whole.length === 0) return { events: forkPartnersFirst(rows.slice(0, opts.limit)), next: boundary + 1 };
  return { events: forkPartnersFirst(whole), next: boundary };
}

/**
 * Of several events at one seq, the one the next seq's event links to goes
 * first: the verifier follows the first as the chain, flags the others as
 * the fork, and the successor then links instead of reporting a second fork.
 */
export function forkPartnersFirst(events: AuditEvent[]): AuditEvent[] {
  const linkedTo = new Set(events.map((e) => e.prev_hash));
  return events
    .map((event, index) => ({ event, index }))
    .sort((a, b) => (a.event.seq ?? 0) - (b.event.seq ?? 0) || Number(!linkedTo.has(a.event.hash)) - Number(!linkedTo.has(b.event.hash)) || a.index - b.index)
    .map((x) => x.event);
}

export const stragglersQuery = defineQuery({
  name: "integrity.stragglers",
  params: z.object({ collector_id: z.string().min(1), below: z.number().int().min(0), since: z.string(), limit: z.number().int().min(1).max(100_000) }),
  row: eventRow,
  sql: (t) => `
    SELECT * FROM ${t.events} FINAL
    WHERE collector_id = {collector_id:String} AND hash != '' AND seq IS NOT NULL
      AND seq < {below:UInt64}
      AND received_at >= parseDateTime64BestEffort({since:String}, 3)
    ORDER BY received_at, seq, event_id
    LIMIT {limit:UInt32}`,
});

/** Positions claimed by more than one distinct event (hash): forks. */
export const seqConflictsQuery = defineQuery({
  name: "integrity.seq_conflicts",
  params: z.object({ collector_id: z.string().min(1), seqs: z.array(z.number().int().min(0)).min(1).max(100_000) }),
  row: z.object({ seq: z.coerce.number(), event_ids: z.array(z.string()), hashes: z.coerce.number() }),
  sql: (t) => `
    SELECT seq, groupUniqArray(event_id) AS event_ids, uniqExact(hash) AS hashes
    FROM ${t.events} FINAL
    WHERE collector_id = {collector_id:String} AND hash != '' AND seq IN {seqs:Array(UInt64)}
    GROUP BY seq
    HAVING hashes > 1
    ORDER BY seq`,
});

/** Unsigned events of one collector per day (received), from `since`'s day on. */
export const unsignedDaysQuery = defineQuery({
  name: "integrity.unsigned_days",
  params: z.object({ collector_id: z.string().min(1), since: z.string() }),
  row: z.object({
    day: z.string(),
    events: z.coerce.number(),
    sample: z.array(z.string()),
    env: z.string(),
    host: z.string(),
    service: z.string(),
  }),
  sql: (t) => `
    SELECT toString(toDate(received_at)) AS day, uniqExact(event_id) AS events,
           arraySlice(arraySort(groupUniqArray(event_id)), 1, 20) AS sample,
           argMin(env, (received_at, event_id)) AS env,
           argMin(host, (received_at, event_id)) AS host,
           argMin(service, (received_at, event_id)) AS service
    FROM ${t.events} FINAL
    WHERE collector_id = {collector_id:String} AND hash = ''
      AND toDate(received_at) >= toDate(parseDateTime64BestEffort({since:String}, 3))
    GROUP BY day
    ORDER BY day`,
});

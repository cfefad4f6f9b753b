import type { AuditEvent } from "../schemas";
import type { Store } from "./open";
import { contentHash } from "./content-hash";
import { lookupEventIds, type IndexedEvent } from "./event-index";
import { prepareEvents } from "./event-lines";
import { eventsByIdQuery, insertPreparedEvents } from "./events";
import { serialised } from "./writer-lock";

/** An offered event whose id the store (or an earlier event of the same batch) holds with other content. */
export interface Conflict {
  /** Position in the offered batch. */
  index: number;
  event_id: string;
  /** Hash of the offered copy (refused). */
  offered_hash: string;
  /** The first stored version (or the batch's earlier copy), which stays. */
  original: IndexedEvent;
  /** true when the original is an earlier event of the same batch, not yet stored. */
  within_batch: boolean;
}

export interface WriteOnceResult {
  /** Events newly stored (all or nothing: none when `conflicts` is not empty and allOrNothing was set). */
  stored: AuditEvent[];
  /** Positions of identical resends: already stored, nothing new written. */
  duplicates: number[];
  conflicts: Conflict[];
}

export interface WriteOnceOptions {
  receivedAt?: string;
  /** The gateway's contract: a batch with any conflict stores nothing. The ingest worker stores the rest. */
  allOrNothing?: boolean;
}

/**
 * The write path of everything that accepts events from outside (gateway,
 * ingest worker): the first stored version of an event wins, forever.
 * See store/events.ts for the layers and why the order of writes is safe.
 */
export function writeEventsOnce(store: Store, events: readonly AuditEvent[], options: WriteOnceOptions = {}): Promise<WriteOnceResult> {
  if (events.length === 0) return Promise.resolve({ stored: [], duplicates: [], conflicts: [] });
  // Check and insert as one step per store: two batches carrying copies of
  // one new id must not both see it absent.
  return serialised(store, () => checkAndInsert(store, events, options));
}

async function checkAndInsert(store: Store, events: readonly AuditEvent[], options: WriteOnceOptions): Promise<WriteOnceResult> {
  // The id lookup runs on the engine's thread while this one serialises and
  // hashes the batch; each was about a fifth of writeEventsOnce's CPU time
  // (bench/ingest/store-write.ts). Awaited below; the catch only keeps a
  // failure from being reported as unhandled in the meantime.
  const known = storedVersions(store, events);
  known.catch(() => undefined);
  await new Promise((resolve) => setImmediate(resolve));
  // One serialisation per event: its hash decides fresh/duplicate/conflict, the same string becomes the row.
  const prepared = prepareEvents(events);
  const { fresh, duplicates, conflicts } = classify(
    events,
    prepared.map((p) => p.hash),
    await known,
  );
  if (fresh.length === 0 || (options.allOrNothing === true && conflicts.length > 0)) return { stored: [], duplicates, conflicts };
  const toStore = fresh.flatMap((i) => (prepared[i] ? [prepared[i]] : []));
  await insertPreparedEvents(store, toStore, options.receivedAt ?? new Date().toISOString());
  return { stored: toStore.map((p) => p.event), duplicates, conflicts };
}

interface Classified {
  fresh: number[];
  duplicates: number[];
  conflicts: Conflict[];
}

/**
 * Which of `events` are new (`fresh`, positions), identical to a stored or
 * earlier copy (`duplicates`), or conflicting. Reads only: writeEventsOnce
 * acts on it under the writer lock; a scale-mode gateway uses it alone to
 * answer 409 before publishing to Kafka (ingest/gateway/conflict-check-sink.ts).
 */
export async function classifyAgainstStore(
  store: Store,
  events: readonly AuditEvent[],
  hashes: readonly string[] = events.map(contentHash),
): Promise<Classified> {
  return classify(events, hashes, await storedVersions(store, events));
}

function storedVersions(store: Store, events: readonly AuditEvent[]): Promise<Map<string, IndexedEvent>> {
  return lookupEventIds(
    store,
    events.map((e) => e.event_id),
    (ids) => eventsByIdQuery(store, { ids }),
  );
}

function classify(events: readonly AuditEvent[], hashes: readonly string[], known: ReadonlyMap<string, IndexedEvent>): Classified {
  const inBatch = new Map<string, IndexedEvent>();
  const fresh: number[] = [];
  const duplicates: number[] = [];
  const conflicts: Conflict[] = [];
  events.forEach((event, index) => {
    const hash = hashes[index] ?? "";
    const stored = known.get(event.event_id);
    const earlier = inBatch.get(event.event_id);
    const original = stored ?? earlier;
    if (original === undefined) {
      inBatch.set(event.event_id, { event_id: event.event_id, content_hash: hash, env: event.env, occurred_at: event.occurred_at });
      fresh.push(index);
    } else if (original.content_hash === hash) {
      duplicates.push(index);
    } else {
      conflicts.push({ index, event_id: event.event_id, offered_hash: hash, original, within_batch: stored === undefined });
    }
  });
  return { fresh, duplicates, conflicts };
}

import { z } from "zod";
import { isChained } from "../collect/sign";
import { MAX_UNSIGNED_RUN } from "../collect/sign/verify";
import { listCollectorKeys } from "../store/collector-keys";
import type { Store } from "../store/open";
import type { ArchiveDestination } from "./destination";
import { fromEventRow } from "../store/event-rows";
import { MANIFEST_FILE, MANIFEST_VERSION, type ArchiveCollector, type ArchiveFormat, type ArchivePart, type Manifest } from "./manifest";

/**
 * `prodtrail export`: a window of `events` (first stored versions: FINAL),
 * in parts of at most `partRows` rows ordered by (occurred_at, event_id),
 * each written as the engine produces it (JSONEachRow or Parquet, every
 * column but the store's own `ver`), with signatures and chain positions
 * as stored. Then a "cover" part: for each collector whose last event in
 * the window is an unsigned link, the events after the window up to its
 * next head, so the window's tail verifies offline too. manifest.json last:
 * an archive without one is incomplete.
 */
export interface ExportOptions {
  from: string;
  to: string;
  format: ArchiveFormat;
  /** Rows per part; 100,000 demo-mix events are ≈ 115 MB as JSON lines (bench/store/storage.ts), bounded so a part fits in memory. */
  partRows?: number;
  onProgress?: (done: { rows: number; parts: number }) => void;
}

const ENGINE_FORMAT = { jsonl: "JSONEachRow", parquet: "Parquet" } as const;
const EXTENSION = { jsonl: "jsonl", parquet: "parquet" } as const;

const boundaryRow = z.object({ occurred_at: z.string(), event_id: z.string() });
const countRow = z.object({ n: z.coerce.number() });
const chainRow = z.object({ collector_id: z.string(), first_seq: z.coerce.number().nullable(), last_seq: z.coerce.number().nullable(), events: z.coerce.number(), heads: z.coerce.number(), last_signed: z.coerce.number() });

interface Cursor {
  occurred_at: string;
  event_id: string;
}

async function rows<T extends z.ZodType>(store: Store, schema: T, query: string, params: Record<string, unknown>): Promise<z.output<T>[]> {
  const result = await store.client.query({ query, query_params: params, format: "JSONEachRow" });
  return z.array(schema).parse(await result.json());
}

async function bytesOf(store: Store, query: string, params: Record<string, unknown>): Promise<Buffer> {
  const { stream } = await store.client.exec({ query, query_params: params });
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks);
}

export async function exportArchive(store: Store, destination: ArchiveDestination, options: ExportOptions): Promise<Manifest> {
  const partRows = options.partRows ?? 100_000;
  const t = store.tables;
  const window = `occurred_at >= parseDateTime64BestEffort({from:String}, 3) AND occurred_at < parseDateTime64BestEffort({to:String}, 3)`;
  const after = `(occurred_at, event_id) > (parseDateTime64BestEffort({after_at:String}, 3), {after_id:String})`;
  const params = (cursor: Cursor | null) => ({ from: options.from, to: options.to, after_at: cursor?.occurred_at ?? "1970-01-01 00:00:00", after_id: cursor?.event_id ?? "" });
  const parts: ArchivePart[] = [];
  let total = 0;
  let cursor: Cursor | null = null;
  for (;;) {
    const p = params(cursor);
    // The part's last key first, so the part is exactly (cursor, boundary] however rows arrive meanwhile.
    const [last] = await rows(store, boundaryRow, `SELECT toString(occurred_at) AS occurred_at, event_id FROM (SELECT occurred_at, event_id FROM ${t.events} FINAL WHERE ${window} AND ${after} ORDER BY occurred_at, event_id LIMIT ${partRows}) ORDER BY occurred_at DESC, event_id DESC LIMIT 1`, p);
    if (last === undefined) break;
    const range = `${window} AND ${after} AND (occurred_at, event_id) <= (parseDateTime64BestEffort({last_at:String}, 3), {last_id:String})`;
    const partParams = { ...p, last_at: last.occurred_at, last_id: last.event_id };
    const [count] = await rows(store, countRow, `SELECT count() AS n FROM ${t.events} FINAL WHERE ${range}`, partParams);
    const data = await bytesOf(store, `SELECT * EXCEPT (ver) FROM ${t.events} FINAL WHERE ${range} ORDER BY occurred_at, event_id FORMAT ${ENGINE_FORMAT[options.format]}`, partParams);
    const file = `events-${String(parts.length + 1).padStart(5, "0")}.${EXTENSION[options.format]}`;
    const written = await destination.put(file, data);
    parts.push({ file, role: "window", rows: count?.n ?? 0, ...written });
    total += count?.n ?? 0;
    options.onProgress?.({ rows: total, parts: parts.length });
    cursor = last;
  }

  const chains = await rows(store, chainRow, `
    SELECT collector_id, min(seq) AS first_seq, max(seq) AS last_seq, count() AS events, countIf(sig != '') AS heads, argMax(sig != '', seq) AS last_signed
    FROM ${t.events} FINAL WHERE ${window} AND collector_id != '' GROUP BY collector_id ORDER BY collector_id`, params(null));
  const cover = await coverPart(store, destination, options.format, chains.filter((c) => c.last_seq !== null && c.last_signed === 0));
  if (cover !== null) parts.push(cover);

  const keys = await listCollectorKeys(store);
  const collectors: ArchiveCollector[] = chains.map((c) => ({
    collector_id: c.collector_id,
    keys: keys.filter((k) => k.collectorId === c.collector_id).map((k) => ({ public_key: k.publicKey, registered_at: k.registeredAt, revoked_at: k.revokedAt })),
    first_seq: c.first_seq,
    last_seq: c.last_seq,
    events: c.events,
    heads: c.heads,
  }));
  const manifest: Manifest = { manifest_version: MANIFEST_VERSION, format: options.format, from: options.from, to: options.to, exported_at: new Date().toISOString(), database: store.database, events: total, parts, collectors };
  await destination.put(MANIFEST_FILE, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
  return manifest;
}

/** The events after the window, per collector, up to and including its next head (at most MAX_UNSIGNED_RUN + 1 each). */
async function coverPart(store: Store, destination: ArchiveDestination, format: ArchiveFormat, open: readonly z.output<typeof chainRow>[]): Promise<ArchivePart | null> {
  if (open.length === 0) return null;
  const ids: string[] = [];
  for (const c of open) {
    const next = await store.client.query({
      query: `SELECT * EXCEPT (ver) FROM ${store.tables.events} FINAL WHERE collector_id = {c:String} AND seq > {s:UInt64} ORDER BY seq LIMIT ${MAX_UNSIGNED_RUN + 1}`,
      query_params: { c: c.collector_id, s: c.last_seq ?? 0 },
      format: "JSONEachRow",
    });
    for (const row of await next.json()) {
      const event = fromEventRow(row);
      ids.push(event.event_id);
      if (isChained(event) && event.sig !== undefined) break;
    }
  }
  if (ids.length === 0) return null;
  const data = await bytesOf(store, `SELECT * EXCEPT (ver) FROM ${store.tables.events} FINAL WHERE event_id IN {ids:Array(String)} ORDER BY collector_id, seq FORMAT ${ENGINE_FORMAT[format]}`, { ids });
  const file = `cover.${EXTENSION[format]}`;
  return { file, role: "cover", rows: ids.length, ...(await destination.put(file, data)) };
}

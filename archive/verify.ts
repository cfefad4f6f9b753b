import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { FIRST_SEQ, GENESIS_HASH, importPublicKey, isChained } from "../collect/sign";
import { verifyChain, type ChainKey } from "../collect/sign/verify";
import type { AuditEvent } from "../schemas";
import { fromEventRow } from "../store/event-rows";
import type { Store } from "../store/open";
import { sha256 } from "./destination";
import { MANIFEST_FILE, manifestSchema, type ArchiveCollector, type ArchivePart, type Manifest } from "./manifest";

/**
 * `prodtrail verify --archive DIR`, offline: no store, only the archive
 * and an engine to read Parquet with (a throwaway embedded one from the
 * CLI). It checks, and reports every failure by name:
 *  1. manifest.json parses, and each part's bytes have its sha256 and rows;
 *  2. each row is a valid event;
 *  3. each collector's events, in seq order, form its hash chain and the
 *     heads' signatures verify with the keys the manifest carries
 *     (collect/sign/verify.ts: the same verifier the integrity job uses).
 * A planted change to any event breaks 3 even when the attacker also
 * rewrote the part's sha256 in the manifest. The archive's edges are
 * boundaries, not tampering: the chain is taken up at the first seq of the
 * window; links after the last head (when the store had no later head at
 * export) are reported as unverifiable at the end, not as bad.
 */
export type ArchiveProblem =
  | { kind: "manifest"; message: string }
  | { kind: "part"; file: string; message: string }
  | { kind: "row"; file: string; row: number; message: string }
  | { kind: "chain"; collector_id: string; event_id: string; seq: number | undefined; status: string; message: string };

export interface CollectorVerdict {
  collector_id: string;
  events: number;
  verified: number;
  /** Links after the archive's last head: not vouched for, not tampered either. */
  unverified_at_end: number;
  first_seq: number | null;
  last_seq: number | null;
}

export interface ArchiveReport {
  ok: boolean;
  manifest: Manifest | null;
  problems: ArchiveProblem[];
  collectors: CollectorVerdict[];
  /** Events outside any collector's chain (server records, unsigned sources). */
  unchained: number;
}

/** Reads Parquet through the engine (the format's reader is the engine's own). */
export type ParquetReader = (path: string) => Promise<unknown[]>;

export function parquetReaderFor(store: Pick<Store, "client">): ParquetReader {
  return async (path) => {
    const literal = `'${path.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
    const result = await store.client.query({ query: `SELECT * FROM file(${literal}, Parquet)`, format: "JSONEachRow" });
    return z.array(z.unknown()).parse(await result.json());
  };
}

export async function verifyArchive(dir: string, readParquet: ParquetReader): Promise<ArchiveReport> {
  const problems: ArchiveProblem[] = [];
  let manifest: Manifest;
  try {
    manifest = manifestSchema.parse(JSON.parse(await readFile(join(dir, MANIFEST_FILE), "utf8")));
  } catch (error) {
    const message = error instanceof z.ZodError ? error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") : error instanceof Error ? error.message : String(error);
    return { ok: false, manifest: null, problems: [{ kind: "manifest", message: `${join(dir, MANIFEST_FILE)}: ${message}` }], collectors: [], unchained: 0 };
  }

  const window: AuditEvent[] = [];
  const cover: AuditEvent[] = [];
  for (const part of manifest.parts) {
    const events = await readPart(dir, part, manifest.format, readParquet, problems);
    (part.role === "cover" ? cover : window).push(...events);
  }
  const total = window.length;
  if (total !== manifest.events) problems.push({ kind: "manifest", message: `the manifest says ${manifest.events} events, the parts hold ${total}` });

  const byCollector = new Map<string, AuditEvent[]>();
  let unchained = 0;
  for (const e of [...window, ...cover]) {
    if (e.collector_id === undefined || !isChained(e)) {
      unchained += 1;
      continue;
    }
    byCollector.set(e.collector_id, [...(byCollector.get(e.collector_id) ?? []), e]);
  }
  const collectors: CollectorVerdict[] = [];
  const inWindow = new Set(window.map((e) => e.event_id));
  for (const [collectorId, events] of [...byCollector.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const entry = manifest.collectors.find((c) => c.collector_id === collectorId);
    collectors.push(verifyCollector(collectorId, events, entry, inWindow, problems));
  }
  for (const c of manifest.collectors) {
    if (!byCollector.has(c.collector_id)) problems.push({ kind: "manifest", message: `collector ${c.collector_id}: the manifest lists ${c.events} events, the parts hold none` });
  }
  return { ok: problems.length === 0, manifest, problems, collectors, unchained };
}

async function readPart(dir: string, part: ArchivePart, format: Manifest["format"], readParquet: ParquetReader, problems: ArchiveProblem[]): Promise<AuditEvent[]> {
  const path = join(dir, part.file);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    problems.push({ kind: "part", file: part.file, message: `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}` });
    return [];
  }
  if (sha256(bytes) !== part.sha256) problems.push({ kind: "part", file: part.file, message: `sha256 is ${sha256(bytes)}, the manifest says ${part.sha256}: the file changed after export` });
  let rows: unknown[];
  try {
    rows = format === "jsonl" ? bytes.toString("utf8").split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as unknown) : await readParquet(path);
  } catch (error) {
    problems.push({ kind: "part", file: part.file, message: `not readable as ${format}: ${error instanceof Error ? error.message : String(error)}` });
    return [];
  }
  if (rows.length !== part.rows) problems.push({ kind: "part", file: part.file, message: `${rows.length} rows, the manifest says ${part.rows}` });
  const events: AuditEvent[] = [];
  rows.forEach((row, i) => {
    try {
      events.push(fromEventRow(row));
    } catch (error) {
      problems.push({ kind: "row", file: part.file, row: i + 1, message: error instanceof Error ? error.message : String(error) });
    }
  });
  return events;
}

function keysOf(entry: ArchiveCollector | undefined): ChainKey[] {
  return (entry?.keys ?? []).map((k) => {
    const revokedAt = k.revoked_at === null ? Infinity : Date.parse(k.revoked_at);
    return { key: importPublicKey(k.public_key), validFor: (e: AuditEvent) => e.received_at === undefined || Date.parse(e.received_at) <= revokedAt };
  });
}

function verifyCollector(collectorId: string, events: AuditEvent[], entry: ArchiveCollector | undefined, inWindow: ReadonlySet<string>, problems: ArchiveProblem[]): CollectorVerdict {
  const sorted = [...events].sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  const windowEvents = sorted.filter((e) => inWindow.has(e.event_id));
  const verdict: CollectorVerdict = { collector_id: collectorId, events: windowEvents.length, verified: 0, unverified_at_end: 0, first_seq: windowEvents[0]?.seq ?? null, last_seq: windowEvents.at(-1)?.seq ?? null };
  const keys = keysOf(entry);
  const chainProblem = (e: AuditEvent, status: string, message: string) => problems.push({ kind: "chain", collector_id: collectorId, event_id: e.event_id, seq: e.seq, status, message });
  if (keys.length === 0) {
    for (const e of windowEvents) chainProblem(e, "no-key", `collector ${collectorId} has no public key in the manifest: its events cannot be verified`);
    return verdict;
  }
  if (entry !== undefined && (entry.first_seq !== verdict.first_seq || entry.last_seq !== verdict.last_seq || entry.events !== verdict.events)) {
    problems.push({ kind: "manifest", message: `collector ${collectorId}: the manifest says seq ${entry.first_seq}–${entry.last_seq} (${entry.events} events), the parts hold ${verdict.first_seq}–${verdict.last_seq} (${verdict.events})` });
  }
  const first = sorted[0];
  // The archive's first event is a boundary: take the chain up there (from genesis when the stream starts in it).
  const from = first === undefined || first.seq === FIRST_SEQ ? { nextSeq: FIRST_SEQ, lastHash: GENESIS_HASH } : { nextSeq: first.seq ?? FIRST_SEQ, lastHash: first.prev_hash ?? GENESIS_HASH };
  const report = verifyChain(sorted, keys, from);
  for (const r of report.results) {
    if (!inWindow.has(r.event_id)) continue;
    const kind = r.status.kind;
    if (kind === "ok" || kind === "duplicate" || kind === "late") verdict.verified += 1;
    else if (kind === "pending") verdict.unverified_at_end += 1;
    else chainProblem(r.event, kind, describe(r.status));
  }
  return verdict;
}

function describe(status: { kind: string; expected?: number; got?: number }): string {
  switch (status.kind) {
    case "bad-signature":
      return "the event's bytes are not what its collector signed: changed after signing";
    case "bad-hash":
      return "the event's hash field was altered";
    case "gap":
      return `seqs ${status.expected ?? "?"}–${(status.got ?? 1) - 1} are missing from the archive`;
    case "fork":
      return "it does not link to the event before it: the chain was rewritten";
    case "uncovered":
      return "too many links without a signed head";
    default:
      return status.kind;
  }
}

import { z } from "zod";

/**
 * manifest.json, written last into an archive directory (archive/export.ts)
 * and read first by `prodtrail verify --archive` (archive/verify.ts). It
 * makes the archive self-contained: which parts exist with their sha256 and
 * row counts, the window, and every collector's public keys and chain
 * positions, so an auditor can verify years later without the store.
 */
export const ARCHIVE_FORMATS = ["jsonl", "parquet"] as const;
export type ArchiveFormat = (typeof ARCHIVE_FORMATS)[number];

export const MANIFEST_FILE = "manifest.json";
export const MANIFEST_VERSION = 1;

export const archivePartSchema = z.strictObject({
  file: z.string().regex(/^[A-Za-z0-9._-]+$/, { message: "a part is a plain file name inside the archive" }),
  /** "window": events of the exported window; "cover": the heads after the window that vouch for its last links. */
  role: z.enum(["window", "cover"]),
  rows: z.number().int().min(0),
  bytes: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type ArchivePart = z.infer<typeof archivePartSchema>;

export const archiveCollectorSchema = z.strictObject({
  collector_id: z.string(),
  /** Raw Ed25519 public keys (base64) with their registration and revocation times. */
  keys: z.array(z.strictObject({ public_key: z.string(), registered_at: z.string(), revoked_at: z.string().nullable() })),
  /** Chain positions of the window's events: first and last seq, how many events, how many heads (signed). */
  first_seq: z.number().int().nullable(),
  last_seq: z.number().int().nullable(),
  events: z.number().int().min(0),
  heads: z.number().int().min(0),
});
export type ArchiveCollector = z.infer<typeof archiveCollectorSchema>;

export const manifestSchema = z.strictObject({
  manifest_version: z.literal(MANIFEST_VERSION),
  format: z.enum(ARCHIVE_FORMATS),
  /** The window on occurred_at, [from, to). */
  from: z.string(),
  to: z.string(),
  exported_at: z.string(),
  database: z.string(),
  events: z.number().int().min(0),
  parts: z.array(archivePartSchema),
  collectors: z.array(archiveCollectorSchema),
});
export type Manifest = z.infer<typeof manifestSchema>;

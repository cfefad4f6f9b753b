import { z } from "zod";
import { readJsonState, writeFileDurably } from "../../lib/durable-file";

/**
 * The tailer's durable state: one entry per file content it has read, keyed
 * by content fingerprint (see fingerprint.ts) with the device and inode it
 * was last seen at. `offset` is a line boundary: every line before it was
 * handed to the consumer and committed. `started_at` is when this stream was
 * first tailed: rotated files we never saw that are older than it are
 * history from before the agent, not lines we missed.
 *
 * `commit_seq` grows with every commit; a consumer that stores the batch's
 * checkpoint with its own data (exactly-once) passes it back at open and the
 * newer of the two wins.
 */
export const fileEntrySchema = z.strictObject({
  /** The fingerprint when first seen; stays when `fp` is extended, so line ids stay stable. */
  id: z.string().regex(/^[0-9a-f]{64}$/),
  fp: z.string().regex(/^[0-9a-f]{64}$/),
  fp_len: z.number().int().min(1),
  dev: z.number().int().min(0),
  ino: z.number().int().min(0),
  offset: z.number().int().min(0),
  /** The whole content was read (rotated away or a compressed file read to its end). */
  done: z.boolean(),
  path: z.string(),
  seen_at: z.number().int().min(0),
});
export type FileEntry = z.infer<typeof fileEntrySchema>;

export const tailStateSchema = z.strictObject({
  version: z.literal(1),
  started_at: z.number().int().min(0),
  commit_seq: z.number().int().min(0),
  files: z.array(fileEntrySchema),
});
export type TailState = z.infer<typeof tailStateSchema>;
/** What a batch carries for a consumer that stores it with its own data. */
export type TailCheckpoint = TailState;

/** Entries kept: rotated generations of one log (logrotate keeps 4–52 by default configs) fit well below this. */
export const MAX_ENTRIES = 128;

export class TailStateError extends Error {
  constructor(message: string, readonly path: string) {
    super(message);
    this.name = "TailStateError";
  }
}

export async function readTailState(path: string): Promise<TailState | null> {
  const json = await readJsonState(
    path,
    (p) => new TailStateError(`tail state ${p} is not JSON; move it away to re-read the logs from the start (duplicates are deduplicated by event id)`, p),
  );
  if (json === null) return null;
  return parseCheckpoint(json, path);
}

export function parseCheckpoint(json: unknown, where: string): TailState {
  const parsed = tailStateSchema.safeParse(json);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new TailStateError(`tail state ${where} is invalid (${why})`, where);
  }
  return parsed.data;
}

export async function writeTailState(path: string, state: TailState): Promise<void> {
  const files = [...state.files].sort((a, b) => b.seen_at - a.seen_at).slice(0, MAX_ENTRIES);
  await writeFileDurably(path, `${JSON.stringify({ ...state, files })}\n`);
}

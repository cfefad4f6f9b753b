import { join } from "node:path";
import { z } from "zod";
import { SpoolCorruptError } from "./errors";
import { readJsonState, writeFileDurably } from "../../lib/durable-file";

/**
 * The ack cursor: the sequence number of the first record not yet
 * acknowledged by the sink. Replaced atomically (write temp, fsync, rename,
 * fsync dir), so after a crash it holds either the old or the new value,
 * never a torn one.
 */
const CURSOR_FILE = "cursor.json";
const CursorSchema = z.object({ version: z.literal(1), next_seq: z.number().int().nonnegative() });

export function cursorPath(dir: string): string {
  return join(dir, CURSOR_FILE);
}

/** null when the spool has never acknowledged anything. */
export async function readCursor(dir: string): Promise<number | null> {
  const file = cursorPath(dir);
  const json = await readJsonState(file, (f) => new SpoolCorruptError(f, 0, "ack cursor is not JSON"));
  if (json === null) return null;
  const parsed = CursorSchema.safeParse(json);
  if (!parsed.success) throw new SpoolCorruptError(file, 0, `ack cursor invalid: ${parsed.error.message}`);
  return parsed.data.next_seq;
}

export async function writeCursor(dir: string, nextSeq: number): Promise<void> {
  await writeFileDurably(cursorPath(dir), JSON.stringify({ version: 1, next_seq: nextSeq }), 0o644);
}

import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { isErrno, writeFileDurably } from "../../lib/durable-file";
import { FIRST_SEQ, GENESIS_HASH, type ChainTip } from "./chain";
import { ChainStateError } from "./errors";

/** `chain.json` in the state dir: the tip after the last event known to be spooled. */
export const CHAIN_STATE_FILE = "chain.json";

const stateSchema = z.strictObject({
  version: z.literal(1),
  collector_id: z.string().min(1),
  next_seq: z.number().int().min(0),
  last_hash: z.string().regex(/^[0-9a-f]{64}$/),
});

export async function readChainState(stateDir: string, collectorId: string): Promise<ChainTip> {
  const path = join(stateDir, CHAIN_STATE_FILE);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if (isErrno(err, "ENOENT")) return { nextSeq: FIRST_SEQ, lastHash: GENESIS_HASH };
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ChainStateError(`${path} is not JSON; restore it from backup or move it away to start a new chain (ingest will flag the restart as a gap)`, { path });
  }
  const parsed = stateSchema.safeParse(json);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new ChainStateError(`${path} is invalid (${why})`, { path });
  }
  if (parsed.data.collector_id !== collectorId) {
    throw new ChainStateError(
      `${path} belongs to collector ${parsed.data.collector_id}, not ${collectorId}; give each collector id its own state dir`,
      { path },
    );
  }
  return { nextSeq: parsed.data.next_seq, lastHash: parsed.data.last_hash };
}

/**
 * chain.json writes per file in this process: the one in flight and the
 * newest tip waiting behind it (older waiting tips are superseded, never
 * written). A durable write per spooled batch (write, fsync, rename, fsync
 * the directory) held the collector pipeline about 17% below its speed
 * without it (bench/collect/pipeline-run.ts, 200k lines, issue #13), and a
 * stale chain.json is already safe: the signer continues after the spool's
 * newest record (Signer.open, spoolTail).
 */
const writers = new Map<string, { next: string | null; done: Promise<void> }>();

/** Persist `tip` in the background; `onError` hears a failed write. `chainStateWritten` waits for it. */
export function persistChainState(stateDir: string, collectorId: string, tip: ChainTip, onError: (err: unknown) => void): void {
  const path = join(stateDir, CHAIN_STATE_FILE);
  const body = `${JSON.stringify({ version: 1, collector_id: collectorId, next_seq: tip.nextSeq, last_hash: tip.lastHash })}\n`;
  const running = writers.get(path);
  if (running !== undefined) {
    running.next = body;
    return;
  }
  const writer: { next: string | null; done: Promise<void> } = { next: body, done: Promise.resolve() };
  writers.set(path, writer);
  writer.done = (async () => {
    try {
      for (let data = writer.next; data !== null; data = writer.next) {
        writer.next = null;
        await writeFileDurably(path, data).catch(onError);
      }
    } finally {
      writers.delete(path);
    }
  })();
}

/** Resolves once every tip handed to persistChainState for this state dir is on disk (or its write failed and was reported). */
export async function chainStateWritten(stateDir: string): Promise<void> {
  await writers.get(join(stateDir, CHAIN_STATE_FILE))?.done;
}

export async function writeChainState(stateDir: string, collectorId: string, tip: ChainTip): Promise<void> {
  let failure: unknown;
  persistChainState(stateDir, collectorId, tip, (err) => (failure ??= err));
  await chainStateWritten(stateDir);
  if (failure !== undefined) throw failure;
}

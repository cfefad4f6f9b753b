import { z } from "zod";
import { parseEvent, type AuditEvent } from "../../schemas";
import { parseCheckpoint, type TailCheckpoint } from "../tail";

/**
 * One spool record: a signed event, and on the last event of a tailed batch
 * the tail checkpoints not yet committed to their state files.
 *
 * Why checkpoints ride in the spool: a crash between the spool append and the
 * tailer's commit would make the restarted collector read those lines again
 * and sign their events a second time under new seqs (same event_id, so the
 * store keeps one — and the stored chain then shows a hole where the other
 * copy's seq was). The spool's newest record is read at start anyway (the
 * signer's `spoolTail`), so the checkpoints in it are handed to the tailers as
 * `resumeFrom`: the lines whose events are spooled are not read again.
 */
export interface SpoolRecord {
  event: AuditEvent;
  /** Tail key (`auth-1a2b…`) → the checkpoint after the lines spooled so far. */
  checkpoints: ReadonlyMap<string, TailCheckpoint>;
}

const envelopeSchema = z.object({ e: z.unknown(), cp: z.record(z.string(), z.unknown()).optional() });

export class SpoolRecordError extends Error {
  override readonly name = "SpoolRecordError";
}

export function encodeRecord(event: AuditEvent, checkpoints?: ReadonlyMap<string, TailCheckpoint>): Buffer {
  const cp = checkpoints && checkpoints.size > 0 ? Object.fromEntries(checkpoints) : undefined;
  return Buffer.from(JSON.stringify(cp ? { e: event, cp } : { e: event }));
}

export function decodeRecord(payload: Buffer): SpoolRecord {
  let json: unknown;
  try {
    json = JSON.parse(payload.toString("utf8"));
  } catch (err) {
    throw new SpoolRecordError(`spool record is not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) throw new SpoolRecordError("spool record is not a {e, cp} envelope");
  const parsed = parseEvent(envelope.data.e);
  if (!parsed.ok) {
    throw new SpoolRecordError(`spooled event is invalid: ${parsed.issues.map((i) => `${i.field}: ${i.message}`).join("; ")}`);
  }
  const checkpoints = new Map<string, TailCheckpoint>();
  for (const [key, value] of Object.entries(envelope.data.cp ?? {})) checkpoints.set(key, parseCheckpoint(value, `spool record checkpoint ${key}`));
  return { event: parsed.event, checkpoints };
}

export const decodeEvent = (payload: Buffer): AuditEvent => decodeRecord(payload).event;

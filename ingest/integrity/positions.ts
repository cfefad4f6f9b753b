import { z } from "zod";
import { FIRST_SEQ, GENESIS_HASH, type ChainTip } from "../../collect/sign";
import type { Store } from "../../store/open";
import { defineQuery, insertRows } from "../../store/query";
import { chTimeToIso } from "../../store/event-rows";

/**
 * The integrity job's position per collector (table integrity_positions,
 * migration 0010): the chain tip it verified up to and the received_at
 * watermark from which late arrivals are looked at again.
 */

export interface Position extends ChainTip {
  /** ISO time: stragglers received at or after it are checked again. */
  watermark: string;
}

export const START: Position = { nextSeq: FIRST_SEQ, lastHash: GENESIS_HASH, watermark: "1970-01-01T00:00:00.000Z" };

const positionQuery = defineQuery({
  name: "integrity.position",
  params: z.object({ collector_id: z.string().min(1) }),
  row: z.object({ next_seq: z.coerce.number(), last_hash: z.string(), watermark: z.string().transform(chTimeToIso) }),
  sql: (t) => `
    SELECT next_seq, last_hash, watermark FROM ${t.integrity_positions} FINAL
    WHERE collector_id = {collector_id:String}
    LIMIT 1`,
});

export async function readPosition(store: Store, collectorId: string): Promise<Position> {
  const [row] = await positionQuery(store, { collector_id: collectorId });
  return row === undefined ? { ...START } : { nextSeq: row.next_seq, lastHash: row.last_hash, watermark: row.watermark };
}

export async function writePosition(store: Store, collectorId: string, position: Position): Promise<void> {
  const now = new Date();
  await insertRows(store, {
    table: "integrity_positions",
    rows: [
      {
        collector_id: collectorId,
        next_seq: position.nextSeq,
        last_hash: position.lastHash,
        watermark: position.watermark,
        updated_at: now.toISOString(),
        // Several workers may write; the newest wins. Positions only move forward
        // in practice, and an older one costs re-verification, never a missed problem.
        version: now.getTime(),
      },
    ],
  });
}

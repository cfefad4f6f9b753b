import type { ClockSkewConfig } from "../../config/integrity";
import type { AuditEvent } from "../../schemas";
import type { Logger } from "../../lib/log";
import type { Store } from "../../store/open";
import { writeEventsOnce } from "../../store/first-write";
import { isDeterministicRefusal } from "../../store/refusals";
import { clockSkewFindings, conflictFinding, recordWritePathFindings } from "../integrity/write-path-findings";
import type { Refusal } from "./batcher";

export interface StoreWriteOptions {
  store: Store;
  clockSkew: ClockSkewConfig;
  log: Logger;
}

/**
 * The worker's insert: the first-write path (store/first-write.ts) with
 * per-event verdicts instead of all-or-nothing, so one bad event never
 * holds a partition. Conflicting copies are refused (dead letter
 * `conflict`, and an integrity finding); rows the engine refuses for good
 * are found by halving the insert down to the single event (dead letter
 * `store_refused`): the engine does not say which row it refused. Anything
 * else (an outage) is thrown, and the worker retries with offsets
 * uncommitted.
 */
export function createStoreWrite(opts: StoreWriteOptions): (events: AuditEvent[]) => Promise<Array<Refusal | undefined>> {
  return async (events) => {
    const receivedAt = new Date().toISOString();
    const verdicts: Array<Refusal | undefined> = events.map(() => undefined);
    const stored: AuditEvent[] = [];
    const findings: Array<ReturnType<typeof conflictFinding>> = [];

    const write = async (part: AuditEvent[], offset: number): Promise<void> => {
      try {
        const result = await writeEventsOnce(opts.store, part, { receivedAt });
        stored.push(...result.stored);
        for (const c of result.conflicts) {
          const offered = part[c.index];
          if (offered) findings.push(conflictFinding(c, offered));
          verdicts[offset + c.index] = {
            reason: "conflict",
            detail: `event_id ${c.event_id} is ${c.within_batch ? "earlier in this batch" : "stored"} with other content (sha256 ${c.original.content_hash || "legacy"}); this copy (sha256 ${c.offered_hash}) is refused`,
          };
        }
      } catch (err) {
        if (!isDeterministicRefusal(err)) throw err;
        if (part.length === 1) {
          verdicts[offset] = { reason: "store_refused", detail: err.message.slice(0, 2000) };
          return;
        }
        const mid = Math.ceil(part.length / 2);
        await write(part.slice(0, mid), offset);
        await write(part.slice(mid), offset + mid);
      }
    };
    await write(events, 0);

    const all = [...findings, ...clockSkewFindings(stored, receivedAt, opts.clockSkew)];
    // A finding not written is logged, not retried: the refusal (dead letter) is what must not be lost.
    if (all.length > 0) await recordWritePathFindings(opts.store, all).catch((err: unknown) => opts.log.error({ err }, "write-path findings not recorded"));
    return verdicts;
  };
}

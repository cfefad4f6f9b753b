import type { Sink } from "../../collect/sink";
import { clockSkewConfigSchema, type ClockSkewConfig } from "../../config/integrity";
import type { AuditEvent } from "../../schemas";
import type { Store } from "../../store/open";
import { writeEventsOnce } from "../../store/first-write";
import { createLogger, type Logger } from "../../lib/log";
import { clockSkewFindings, recordWritePathFindings } from "../integrity/write-path-findings";
import { refuseConflicts } from "./refuse-conflicts";

export interface StoreSinkOptions {
  clockSkew?: ClockSkewConfig;
  log?: Logger;
}

/**
 * Embedded mode's sink: the gateway's batch goes straight into the events
 * table through the first-write path (store/first-write.ts), which sets
 * received_at and inserts synchronously (async_insert=0), so when publish
 * resolves the rows are on disk. An identical resend stores nothing new;
 * different content under a stored id rejects the whole batch with an
 * EventConflictError (the gateway answers 409) after recording the finding.
 * Scale mode swaps in a Kafka sink; the gateway does not change.
 */
export class StoreSink implements Sink {
  readonly name = "store";
  private readonly clockSkew: ClockSkewConfig;
  private readonly log: Logger;

  constructor(
    private readonly store: Store,
    options: StoreSinkOptions = {},
  ) {
    this.clockSkew = options.clockSkew ?? clockSkewConfigSchema.parse({});
    this.log = options.log ?? createLogger("store-sink");
  }

  async publish(events: readonly AuditEvent[]): Promise<void> {
    const receivedAt = new Date().toISOString();
    const result = await writeEventsOnce(this.store, events, { receivedAt, allOrNothing: true });
    if (result.conflicts.length > 0) await refuseConflicts(this.store, events, result.conflicts, this.log);
    const skewed = clockSkewFindings(result.stored, receivedAt, this.clockSkew);
    if (skewed.length > 0) {
      await recordWritePathFindings(this.store, skewed).catch((err: unknown) => this.log.error({ err }, "clock-skew findings not recorded"));
    }
  }

  /** The store belongs to whoever opened it (the server); nothing to release here. */
  async close(): Promise<void> {}
}

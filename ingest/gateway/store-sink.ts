import type { Sink } from "../../collect/sink";
import type { AuditEvent } from "../../schemas";
import type { Store } from "../../store/open";
import { insertEvents } from "../../store/events";

/**
 * Embedded mode's sink: the gateway's batch goes straight into the events
 * table. insertEvents sets received_at and inserts synchronously
 * (async_insert=0) with a content-derived deduplication token, so when
 * publish resolves the rows are on disk and a retried batch is not counted
 * twice. Scale mode swaps in a Kafka sink; the gateway does not change.
 */
export class StoreSink implements Sink {
  readonly name = "store";

  constructor(private readonly store: Store) {}

  async publish(events: readonly AuditEvent[]): Promise<void> {
    await insertEvents(this.store, events);
  }

  /** The store belongs to whoever opened it (the server); nothing to release here. */
  async close(): Promise<void> {}
}

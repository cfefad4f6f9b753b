import type { Sink } from "../../collect/sink";
import type { AuditEvent } from "../../schemas";
import type { Store } from "../../store/open";
import { classifyAgainstStore } from "../../store/first-write";
import { createLogger, type Logger } from "../../lib/log";
import { refuseConflicts } from "./refuse-conflicts";

/**
 * Scale mode's gateway publishes to Kafka and the ingest workers write the
 * store, so the gateway cannot know the outcome of a batch; it can still
 * refuse, before publishing, a copy that conflicts with an event already
 * stored (or with an earlier one of the same batch): 409 naming it, as in
 * embedded mode. A conflicting copy still in flight in Kafka passes this
 * check and is dead-lettered `conflict` by the worker that meets it second.
 */
export class ConflictCheckingSink implements Sink {
  readonly name: string;
  private readonly log: Logger;

  constructor(
    private readonly inner: Sink,
    private readonly store: Store,
    log?: Logger,
  ) {
    this.name = inner.name;
    this.log = log ?? createLogger("conflict-check");
  }

  async publish(events: readonly AuditEvent[]): Promise<void> {
    const { conflicts } = await classifyAgainstStore(this.store, events);
    if (conflicts.length > 0) await refuseConflicts(this.store, events, conflicts, this.log);
    await this.inner.publish(events);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

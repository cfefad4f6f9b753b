import type { AuditEvent } from "../schemas";

/**
 * Where a collector's events go next. The code above the transport never
 * knows whether it talks to Kafka (scale mode) or to a `prodtrail serve`
 * gateway over HTTP (embedded mode): it holds a Sink.
 *
 * `publish` resolves only once every event is durable downstream (Kafka
 * acks=-1, or the gateway answered after its store write). It rejects if any
 * event is not; the caller then keeps them (the spool resends them).
 */
export interface Sink {
  readonly name: string;
  publish(events: readonly AuditEvent[]): Promise<void>;
  close(): Promise<void>;
}

import type { ServerResponse } from "node:http";
import type { Logger } from "pino";
import { KafkaSinkError } from "../../collect/sinks/kafka-sink";
import { EventConflictError, isDeterministicRefusal } from "../../store/refusals";
import { sendError } from "./respond";

/**
 * Sink failures that are final: resending the same batch can never succeed,
 * so they must not be answered 503 "resend" (a collector would retry the
 * batch forever, its stream stuck behind it — issue #9, class 5).
 *  - 409: some events conflict with stored events of the same id; each is
 *    named (index, event_id) so the collector files exactly those and
 *    resends the rest. Nothing of the batch was stored.
 *  - 422: the store refused the rows themselves (a parse error of the
 *    engine, store/refusals.ts), or Kafka refused the events (too large,
 *    scale mode). Neither says which event, so the collector narrows it
 *    down by halves to the one event it files.
 * Returns false for anything else (an outage: the caller answers 503).
 */
export function answerFinalRefusal(res: ServerResponse, error: unknown, log: Logger): boolean {
  if (error instanceof EventConflictError) {
    log.warn({ conflicts: error.conflicts.length, event_ids: error.conflicts.slice(0, 20).map((c) => c.event_id) }, "events: conflicting copies refused (409)");
    sendError(res, 409, error.message, {
      conflicts: error.conflicts.map((c) => ({
        index: c.index,
        event_id: c.event_id,
        issues: [
          {
            field: `events[${c.index}]`,
            message: c.within_batch
              ? `event_id ${c.event_id} appears earlier in this batch with different content`
              : `event_id ${c.event_id} is stored with different content; stored events are never rewritten`,
          },
        ],
      })),
    });
    return true;
  }
  if (error instanceof KafkaSinkError && error.refusesTheEvents) {
    log.error({ err: error }, "events: Kafka refused the batch's events for good (422)");
    sendError(res, 422, `Kafka refused this batch's events for good (${error.code ?? "?"}), nothing was accepted (resending it cannot help): ${error.message.slice(0, 500)}`, {
      kafka_code: error.code,
    });
    return true;
  }
  if (isDeterministicRefusal(error)) {
    log.error({ err: error }, "events: the store refused the batch's rows for good (422)");
    sendError(res, 422, `the store refused this batch for good, nothing was stored (resending it cannot help): ${error.message.slice(0, 500)}`, {
      store_code: error.context.code,
    });
    return true;
  }
  return false;
}

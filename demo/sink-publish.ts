import { parseEventOrThrow } from "../schemas";
import type { Sink } from "../collect/sink";
import type { Logger } from "../lib/log";
import type { DemoEvent } from "./generate/sim";
import type { Publish } from "./run";

/**
 * The demo fleet through any Sink (Kafka in scale mode), as real collectors
 * would send. A failed publish is retried with capped backoff (0.5 s → 30 s)
 * until it succeeds or the demo is stopped: demo data is never dropped
 * half-way through a day.
 */
export function publishThroughSink(sink: Sink, log: Logger): Publish {
  return async (events: readonly DemoEvent[], signal: AbortSignal) => {
    const parsed = events.map((e) => parseEventOrThrow(e));
    for (let attempt = 0; ; attempt += 1) {
      try {
        await sink.publish(parsed);
        return;
      } catch (error) {
        if (signal.aborted) throw error;
        const delay = Math.min(30_000, 500 * 2 ** attempt);
        log.warn({ sink: sink.name, events: parsed.length, attempt, delayMs: delay, err: error }, "demo publish failed; retrying");
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  };
}

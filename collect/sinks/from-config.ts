import type { Config } from "../../config/schema";
import type { Sink } from "../sink";
import { HttpSink } from "./http-sink";
import { KafkaSink } from "./kafka-sink";
import type { Logger } from "../../lib/log";

/** The configured sink: Kafka in scale mode, the serve gateway over HTTP in embedded mode. */
export function sinkFromConfig(config: Config, log?: Logger): Sink {
  const sink = config.collect.sink;
  if (sink.kind === "kafka") {
    if (config.kafka.brokers.length === 0) {
      throw new Error("collect.sink.kind is kafka but kafka.brokers is empty: set KAFKA_BROKERS or kafka.brokers in prodtrail.yaml");
    }
    return new KafkaSink({
      connection: { brokers: config.kafka.brokers, clientId: `${config.kafka.client_id}-${config.collect.collector_id}`, ...(log ? { logger: log } : {}) },
      collectorId: config.collect.collector_id,
    });
  }
  return new HttpSink({ url: sink.url, ...(sink.api_key ? { apiKey: sink.api_key } : {}) });
}

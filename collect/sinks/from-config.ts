import type { Config } from "../../config/schema";
import { ConfigError } from "../../config/load";
import type { Sink } from "../sink";
import { HttpSink } from "./http-sink";
import { KafkaSink } from "./kafka-sink";
import { kafkaConnection } from "../../ingest/kafka/from-config";
import type { Logger } from "../../lib/log";

/** The configured sink: Kafka in scale mode, the serve gateway over HTTP in embedded mode. */
export function sinkFromConfig(config: Config, log?: Logger): Sink {
  const sink = config.collect.sink;
  if (sink.kind === "kafka") {
    if (config.kafka.brokers.length === 0) {
      throw new ConfigError("the Kafka sink needs brokers: set KAFKA_BROKERS or kafka.brokers in prodtrail.yaml", "kafka.brokers", [
        { key: "kafka.brokers", message: "empty" },
      ]);
    }
    return new KafkaSink({
      connection: kafkaConnection(config.kafka, config.collect.collector_id, log),
      collectorId: config.collect.collector_id,
    });
  }
  return new HttpSink({ url: sink.url, ...(sink.api_key ? { apiKey: sink.api_key } : {}) });
}

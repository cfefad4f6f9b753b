/**
 * The one door to Kafka. Everything in prodtrail that talks to Kafka imports
 * from here; only files in this folder import kafkajs, so a faster client
 * can replace it without touching the pipeline.
 */
export { parseBrokerList, type KafkaConnection } from "./client";
export { KafkaTransportError } from "./errors";
export { createReliableProducer, type OutgoingMessage, type ReliableProducer, type ReliableProducerOptions } from "./producer";
export { connectAdmin, type KafkaAdmin, type TopicSpec } from "./admin";
export {
  connectGroupConsumer,
  type GroupConsumer,
  type GroupConsumerOptions,
  type IncomingMessage,
  type PartitionBatch,
} from "./consumer";

/**
 * What test/kafka/global-setup.ts hands to test files through vitest's
 * provide/inject: where the broker is, or why there is none.
 */
export type KafkaTestContext =
  | { available: true; brokers: string[]; /** true: KAFKA_BROKERS, a cluster we must not stop */ external: boolean }
  | { available: false; reason: string };

declare module "vitest" {
  export interface ProvidedContext {
    kafka: KafkaTestContext;
  }
}

import type { TestProject } from "vitest/node";
import { provisionKafka } from "./broker";
import type { KafkaTestContext } from "./context";

/**
 * vitest globalSetup: one Kafka broker for the whole run (≈3 s warm, plus a
 * Maven resolve on a cold ~/.m2), shared by every test file through
 * `inject("kafka")`; see use-kafka.ts. Test files isolate themselves with
 * random topic and group names. Tests that stop or kill a broker start their
 * own with startBroker().
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const provision = await provisionKafka({ numPartitions: 1 });
  let context: KafkaTestContext;
  switch (provision.kind) {
    case "external":
      context = { available: true, brokers: provision.brokers, external: true };
      break;
    case "local":
      context = { available: true, brokers: provision.broker.brokers, external: false };
      console.log(`[kafka] broker ${provision.broker.brokers.join(",")} ready in ${Date.now() - started} ms (log: ${provision.broker.logFile})`);
      break;
    case "unavailable":
      context = { available: false, reason: provision.reason };
      console.warn(`[kafka] tests that need Kafka are skipped: ${provision.reason}`);
      break;
  }
  project.provide("kafka", context);
  return async () => {
    if (provision.kind === "local") await provision.broker.stop();
  };
}

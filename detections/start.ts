import { hostname } from "node:os";
import type { Config } from "../config/schema";
import { kafkaConnection } from "../ingest/kafka/from-config";
import type { Logger } from "../lib/log";
import type { Store } from "../store/open";
import { startKafkaCoordinator } from "./coordination";
import { Notifier } from "./notify/notifier";
import type { StoredFinding } from "./finding-rows";
import { loadCheckedRules } from "./rule-set";
import { alwaysLeader, startScheduler, type Coordinator, type RoundResult } from "./scheduler";
import type { RoundObserver } from "../lib/job-round";

export interface DetectionsHandle {
  /** Why detections are not running ('' when they are). */
  readonly disabledReason: string;
  runOnce(now?: Date): Promise<RoundResult>;
  stop(): Promise<void>;
}

const idle = (reason: string): DetectionsHandle => ({
  disabledReason: reason,
  runOnce: async () => ({ ran: false, rules: [], created: [] }),
  stop: async () => {},
});

/**
 * The detection scheduler of `serve` and `ingest`. A rule set that does not
 * load (a bad user rule: file, line, reason) is logged as an error and
 * detections stay off — the process keeps ingesting: losing events because
 * of a typo in a rule would be worse than a late detection.
 * In scale mode the rounds are coordinated through Kafka (coordination.ts).
 */
export async function startDetections(input: {
  store: Store;
  config: Pick<Config, "detections" | "kafka">;
  log: Logger;
  onFindings?: (findings: readonly StoredFinding[]) => void;
  onRound?: RoundObserver;
}): Promise<DetectionsHandle> {
  const { store, config, log } = input;
  const d = config.detections;
  if (d.interval_seconds === 0) return idle("detections.interval_seconds is 0");
  let coordinator: Coordinator = alwaysLeader;
  let notifier: Notifier | undefined;
  try {
    const rules = await loadCheckedRules(store, d);
    if (config.kafka.brokers.length > 0) coordinator = await startKafkaCoordinator({ connection: kafkaConnection(config.kafka, "detections", log), log, replicationFactor: config.kafka.topics.replication_factor });
    if (d.webhooks.length > 0) notifier = new Notifier({ store, webhooks: d.webhooks, queueLimit: d.notify_queue_limit, log, dashboardUrl: d.dashboard_url });
    const onFindings = (findings: readonly StoredFinding[]) => {
      notifier?.enqueue(findings);
      input.onFindings?.(findings);
    };
    log.info({ rules: rules.length, interval_s: d.interval_seconds, coordinated: config.kafka.brokers.length > 0 }, "detections: scheduler started");
    const scheduler = startScheduler({ store, rules, config: d, worker: `${hostname()}:${process.pid}`, log, coordinator, intervalMs: d.interval_seconds * 1000, onFindings, ...(input.onRound ? { onRound: input.onRound } : {}) });
    return {
      disabledReason: "",
      runOnce: scheduler.runOnce,
      async stop() {
        await scheduler.stop();
        await notifier?.stop();
      },
    };
  } catch (error) {
    await coordinator.stop().catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    log.error({ err: error }, `detections disabled: ${reason}`);
    return idle(reason);
  }
}

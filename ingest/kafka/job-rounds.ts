import type { KafkaConfig } from "../../config/schema";
import type { Logger } from "../../lib/log";
import { COORDINATED_JOBS, type CoordinatedJob } from "../topics";
import { kafkaConnection } from "./from-config";
import { everyRound, startSingleRunner, type SingleRunner } from "./single-runner";

export interface CoordinatedRounds {
  /** The runner once it joined (undefined while Kafka is unreachable). */
  runner(): SingleRunner | undefined;
  stop(): Promise<void>;
}

/** A worker that cannot reach Kafka at start retries joining every 10 s; the other workers run the rounds meanwhile. */
const JOIN_RETRY_MS = 10_000;

/**
 * The rounds of one job (drift, integrity, detections) across every process
 * configured with Kafka: one of them runs each round (single-runner.ts),
 * every `intervalMs`, resuming at once after its predecessor died.
 */
export function startCoordinatedRounds(o: {
  kafka: KafkaConfig;
  job: CoordinatedJob;
  intervalMs: number;
  log: Logger;
  work: (round: number) => Promise<unknown>;
  sessionTimeoutMs?: number;
}): CoordinatedRounds {
  const { topic, groupId } = COORDINATED_JOBS[o.job];
  let runner: SingleRunner | undefined;
  let schedule: { stop(): Promise<void> } | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  const join = async (): Promise<void> => {
    try {
      const joined = await startSingleRunner({
        connection: kafkaConnection(o.kafka, `${o.job}-rounds`, o.log),
        topic,
        groupId,
        job: o.job,
        log: o.log,
        replicationFactor: o.kafka.topics.replication_factor,
        ...(o.sessionTimeoutMs ? { sessionTimeoutMs: o.sessionTimeoutMs } : {}),
      });
      if (stopped) return void (await joined.stop());
      runner = joined;
      schedule = everyRound(joined, o.intervalMs, o.work, o.log, o.job);
      o.log.info({ job: o.job, topic, interval_ms: o.intervalMs }, "rounds coordinated through Kafka: one worker runs each round");
    } catch (err) {
      if (stopped) return;
      o.log.error({ err, job: o.job, retry_ms: JOIN_RETRY_MS }, "cannot join the rounds' coordination group; retrying");
      retry = setTimeout(() => void join(), JOIN_RETRY_MS);
      retry.unref();
    }
  };
  const joining = join();
  return {
    runner: () => runner,
    async stop() {
      stopped = true;
      if (retry) clearTimeout(retry);
      await joining;
      await schedule?.stop();
      await runner?.stop();
    },
  };
}

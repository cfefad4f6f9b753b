/**
 * One worker of single-runner.test.ts, a process of its own so the test can
 * SIGKILL it mid-round. Each round it tells the parent (IPC) it started,
 * waits for the parent's go-ahead, then says it is done; the parent writes
 * the finished rounds into the store and decides whom to kill.
 * Env: BROKERS, TOPIC, GROUP, NAME, INTERVAL_MS, SESSION_MS.
 */
import { z } from "zod";
import { createLogger } from "../../../lib/log";
import { everyRound, startSingleRunner } from "../single-runner";

const env = z
  .object({ BROKERS: z.string(), TOPIC: z.string(), GROUP: z.string(), NAME: z.string(), INTERVAL_MS: z.coerce.number(), SESSION_MS: z.coerce.number() })
  .parse(process.env);
const proceedSchema = z.object({ type: z.literal("proceed"), round: z.number() });
const log = createLogger(`runner-${env.NAME}`, process.env.PRODTRAIL_LOG_LEVEL ?? "silent");
const send = (m: Record<string, unknown>) => process.send?.({ ...m, name: env.NAME });

const waiting = new Map<number, () => void>();
process.on("message", (m) => {
  const parsed = proceedSchema.safeParse(m);
  if (parsed.success) waiting.get(parsed.data.round)?.();
});
// The test is gone: nothing may outlive it.
process.on("disconnect", () => process.exit(0));

const runner = await startSingleRunner({
  connection: { brokers: env.BROKERS.split(","), clientId: `runner-${env.NAME}`, logger: log },
  topic: env.TOPIC,
  groupId: env.GROUP,
  job: "test-job",
  runner: env.NAME,
  log,
  sessionTimeoutMs: env.SESSION_MS,
});
const rounds = everyRound(
  runner,
  env.INTERVAL_MS,
  async (round) => {
    const go = new Promise<void>((resolve) => waiting.set(round, resolve));
    send({ type: "started", round });
    await go;
    send({ type: "done", round });
  },
  log,
  "test-job",
);
await runner.joined;
send({ type: "joined" });
process.once("SIGTERM", () => {
  void rounds
    .stop()
    .then(() => runner.stop())
    .then(() => process.exit(0));
});

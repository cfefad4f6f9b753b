import type { Server } from "node:http";
import type { Logger } from "pino";

export interface ShutdownStep {
  name: string;
  run(): Promise<void>;
}

/**
 * Runs the shutdown steps in order, logging each, against a hard deadline.
 * A step that fails is logged and the next one still runs (the store must
 * be closed even if Next's close threw). Resolves true if everything
 * finished in time, false if the deadline cut it short.
 */
export async function runShutdown(steps: readonly ShutdownStep[], log: Logger, deadlineMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), deadlineMs);
    timer.unref();
  });
  const all = (async () => {
    for (const step of steps) {
      const started = performance.now();
      log.info({ step: step.name }, "shutdown: step started");
      try {
        await step.run();
        log.info({ step: step.name, ms: Math.round(performance.now() - started) }, "shutdown: step done");
      } catch (error) {
        log.error({ step: step.name, err: error }, "shutdown: step failed; continuing");
      }
    }
    return true as const;
  })();
  const finished = await Promise.race([all, deadline]);
  clearTimeout(timer);
  if (!finished) log.error({ deadline_ms: deadlineMs }, "shutdown: hard deadline reached; exiting with steps unfinished");
  return finished;
}

/**
 * Stop accepting connections and wait for in-flight requests. server.close()
 * closes the sockets idle at that moment only; a keep-alive socket whose
 * request finishes later would hold the drain for its 5 s keep-alive
 * timeout, so idle sockets are swept every 100 ms until the server is closed.
 */
export function stopAccepting(server: Server): { drained: Promise<void> } {
  const sweep = setInterval(() => server.closeIdleConnections(), 100);
  const drained = new Promise<void>((resolve, reject) => {
    server.close((error) => {
      clearInterval(sweep);
      if (error && !("code" in error && error.code === "ERR_SERVER_NOT_RUNNING")) reject(error);
      else resolve();
    });
  });
  server.closeIdleConnections();
  return { drained };
}

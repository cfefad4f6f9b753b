import { loadConfig } from "../config/load";
import { createLogger } from "../lib/log";
import { DashboardBuildError } from "../server/dashboard-build";
import { ListenError, startServe, type RunningServe } from "../server/serve";
import { InitialAdminError, initialAdminNotice } from "../server/auth/initial-admin";
import { CONFIG_OPTION, UsageError, parseCommandArgs } from "./usage";

const USAGE = `usage: prodtrail serve [--config FILE] [--port N] [--host H] [--demo | --demo-if-empty] [--dev]

Embedded mode: opens the store (migrating it), serves POST /api/v1/events,
GET /api/health (?detail=1: jobs, last event, lag; 503 when ingest is stuck),
GET /metrics (Prometheus; from this host, or with an API key of scope
metrics:read) and the dashboard from one process.

  --port N          listen port (default 3000; env PORT)
  --host H          bind address (default 127.0.0.1; env HOST). Keep it on
                    loopback until collector API keys exist: anyone who can
                    reach the port can post events.
  --demo            run the demo fleet in this process (data labelled env=demo-*)
  --demo-if-empty   run the demo fleet only when the events table is empty
  --dev             Next.js development mode (Turbopack, hot reload) instead
                    of the production build made on first start`;

const OPTIONS = {
  ...CONFIG_OPTION,
  port: { type: "string", short: "p" },
  host: { type: "string" },
  demo: { type: "boolean" },
  "demo-if-empty": { type: "boolean" },
  dev: { type: "boolean" },
} as const;

function parsePort(raw: string): number {
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be an integer 0–65535, got ${JSON.stringify(raw)}`, USAGE);
  return port;
}

export async function runServeCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, OPTIONS, USAGE);
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.demo && values["demo-if-empty"]) throw new UsageError("--demo and --demo-if-empty exclude each other", USAGE);
  const loaded = loadConfig({ path: values.config });
  const config = {
    ...loaded,
    server: {
      ...loaded.server,
      ...(values.port !== undefined ? { port: parsePort(values.port) } : {}),
      ...(values.host !== undefined ? { host: values.host } : {}),
      ...(values.dev ? { dev: true } : {}),
    },
  };
  const log = createLogger("prodtrail-serve", config.log_level);
  let running: RunningServe;
  try {
    running = await startServe({
      config,
      log,
      demo: values.demo ? "always" : values["demo-if-empty"] ? "if-empty" : "off",
      onBuildStart: (reason) => console.log(`prodtrail: building the dashboard (first start only)… (${reason})`),
    });
  } catch (error) {
    // Start-up failures the user can act on: say what and how, without a stack.
    if (error instanceof ListenError || error instanceof DashboardBuildError || error instanceof InitialAdminError) {
      console.error(`prodtrail serve: ${error.message}`);
      return 1;
    }
    throw error;
  }
  if (running.initialAdmin.created) console.log(initialAdminNotice(running.initialAdmin));
  console.log(
    [
      `prodtrail serve: ${running.url}`,
      `  dashboard  ${running.dashboard === "development" ? "development mode (Turbopack, compiles on first request)" : running.dashboard}`,
      `  store      ${running.store.mode}, database ${running.store.database}${running.store.dataPath ? `, data in ${running.store.dataPath}` : ""}`,
      `  gateway    POST ${running.url}/api/v1/events · health ${running.url}/api/health · metrics ${running.url}/metrics`,
      ...(running.demo ? ["  demo       demo fleet running; demo data is labelled env=demo-*"] : []),
      ...(running.demoError ? [`  demo       NOT running: ${running.demoError}`] : []),
    ].join("\n"),
  );
  return new Promise<number>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      log.info({ signal }, "shutting down");
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      // A second Ctrl-C during shutdown exits at once.
      process.once("SIGINT", () => process.exit(130));
      void running.close().then((clean) => {
        log.info({ clean }, "shutdown complete");
        const code = clean ? 0 : 1;
        resolve(code);
        // Next's dev server keeps watchers and a Turbopack worker alive after
        // close(); once everything of ours is closed, nothing is left to wait for.
        setTimeout(() => process.exit(code), 500).unref();
      });
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
}

import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import { ensureDashboardBuilt } from "./dashboard-build";
import { DASHBOARD_DIR } from "./version";

export interface DashboardApp {
  mode: "production" | "development";
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  close(): Promise<void>;
}

/**
 * Next hosted in this process (a custom server): production unless `dev`,
 * building first when the build is missing or stale (see dashboard-build.ts
 * for the figures behind that choice).
 */
export async function startDashboard(options: {
  dev: boolean;
  log: Logger;
  hostname: string;
  port: number;
  onBuildStart?: (reason: string) => void;
}): Promise<DashboardApp> {
  const { dev, log } = options;
  if (!dev) {
    const ms = await ensureDashboardBuilt((reason) => {
      options.onBuildStart?.(reason);
      log.info({ reason }, "building the dashboard");
    });
    if (ms !== undefined) log.info({ ms: Math.round(ms) }, "dashboard built");
  }
  // Next reads NODE_ENV to pick React's production or development build; a
  // mismatch (vitest sets "test") makes it warn and serve the wrong React.
  const nodeEnv = dev ? "development" : "production";
  if (process.env.NODE_ENV !== nodeEnv) Reflect.set(process.env, "NODE_ENV", nodeEnv);
  // An audit tool for production access does not phone home by default;
  // NEXT_TELEMETRY_DISABLED=0 in the environment opts back in.
  process.env.NEXT_TELEMETRY_DISABLED ??= "1";
  const { default: next } = await import("next");
  const app = next({ dev, dir: DASHBOARD_DIR, turbopack: dev, customServer: true, quiet: !dev, hostname: options.hostname, port: options.port === 0 ? undefined : options.port });
  await app.prepare();
  const handler = app.getRequestHandler();
  return {
    mode: dev ? "development" : "production",
    handle: (req, res) => handler(req, res),
    close: () => app.close(),
  };
}

/**
 * The /api/ paths the dashboard serves itself (route handlers under
 * dashboard/app/api, e.g. the streamed export), so the router hands them to
 * Next while every other unknown /api/ path stays a JSON 404.
 */
export function dashboardApiRoutes(appDir = join(DASHBOARD_DIR, "app", "api")): Set<string> {
  const routes = new Set<string>();
  const walk = (dir: string, prefix: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name), `${prefix}/${entry.name}`);
      else if (/^route\.tsx?$/.test(entry.name)) routes.add(prefix);
    }
  };
  walk(appDir, "/api");
  return routes;
}

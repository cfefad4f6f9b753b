import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { DASHBOARD_DIR, REPO_ROOT } from "./version";

/**
 * Production build on first start, measured on the 2-core development
 * machine (shared with five other jobs), Next 16.4 with Turbopack:
 *  - `next build` from nothing: 16.3 s under load, 9.2 s quieter; after a
 *    source change, with .next/cache warm: about 5 s.
 *  - fresh clone to first page (no .next, empty data dir): 10.7 s, of which
 *    9.2 s build; then each page render takes 20–60 ms; RSS 440 MB.
 *  - dev mode instead: listening after 1.9 s but the first page takes 9.1 s
 *    (compiled on request), renders 50–90 ms, RSS 824 MB.
 * The one-time build fits the one-minute budget of `npm install && npm
 * start` with room to spare and gives a faster, leaner server, so serve
 * builds when dashboard/.next/BUILD_ID is missing or older than any source
 * the bundle includes, then runs production. `--dev` skips this.
 */
// The dashboard bundles modules from all over the repository (store, schemas,
// drift, lib, ingest/auth…), so every source folder counts; walking the
// repository's few hundred source files takes milliseconds.
const SOURCE_DIRS = [REPO_ROOT];
const SOURCE_FILES = [join(REPO_ROOT, "package-lock.json")];
// next-env.d.ts is rewritten by Next itself on every dev start and build;
// the others are data, outputs or not bundled.
const SKIP = new Set([
  ".next", "node_modules", ".git", ".prodtrail", ".ci", "migrations", "test-artifacts", "docs", "bench", "examples",
  "testdata", "next-env.d.ts", "tsconfig.tsbuildinfo",
]);

export const BUILD_ID_PATH = join(DASHBOARD_DIR, ".next", "BUILD_ID");

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (/\.(ts|tsx|css)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

export type BuildState = { needed: false } | { needed: true; reason: string };

export function dashboardBuildState(): BuildState {
  if (!existsSync(BUILD_ID_PATH)) return { needed: true, reason: "no production build yet" };
  const built = statSync(BUILD_ID_PATH).mtimeMs;
  const sources = Math.max(
    ...SOURCE_DIRS.filter((d) => existsSync(d)).map(newestMtime),
    ...SOURCE_FILES.filter((f) => existsSync(f)).map((f) => statSync(f).mtimeMs),
  );
  return sources > built ? { needed: true, reason: "dashboard sources changed since the last build" } : { needed: false };
}

export class DashboardBuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DashboardBuildError";
  }
}

/** Runs `next build dashboard` in a child process; resolves with its duration in ms. */
export function buildDashboard(): Promise<number> {
  const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [nextBin, "build", DASHBOARD_DIR], {
      cwd: REPO_ROOT,
      env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: process.env.NEXT_TELEMETRY_DISABLED ?? "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    // Kept for the error message only: a failed build must say why.
    let output = "";
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString("utf8")).slice(-8_000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("error", (error) => reject(new DashboardBuildError(`could not run next build: ${error.message}`)));
    child.on("close", (code, signal) => {
      if (code === 0) resolve(performance.now() - started);
      else
        reject(
          new DashboardBuildError(
            `next build of the dashboard failed (${signal ?? `exit ${String(code)}`}); run \`npx next build dashboard\` to see it, ` +
              `or start with --dev. Last output:\n${output}`,
          ),
        );
    });
  });
}

const LOCK_DIR = join(DASHBOARD_DIR, ".next-build.lock");
/** A build takes 5–20 s here; a lock older than this belongs to a build that died. */
const STALE_LOCK_MS = 10 * 60_000;

function lockIsStale(): boolean {
  try {
    const owner = Number(readFileSync(join(LOCK_DIR, "pid"), "utf8"));
    if (Date.now() - statSync(LOCK_DIR).mtimeMs > STALE_LOCK_MS) return true;
    process.kill(owner, 0);
    return false;
  } catch (error) {
    // ESRCH: the owner is gone. ENOENT: the lock vanished (or has no pid yet: young, not stale).
    const code = error instanceof Error ? Reflect.get(error, "code") : undefined;
    return code === "ESRCH";
  }
}

/**
 * Builds the dashboard when it is missing or stale, at most one build at a
 * time across processes (several test files, or `npm start` beside a test
 * run, would otherwise write dashboard/.next at once and corrupt it). A
 * process that finds a build under way waits for it and re-checks.
 */
export async function ensureDashboardBuilt(onBuildStart?: (reason: string) => void): Promise<number | undefined> {
  for (;;) {
    const state = dashboardBuildState();
    if (!state.needed) return undefined;
    try {
      mkdirSync(LOCK_DIR);
    } catch {
      if (lockIsStale()) rmSync(LOCK_DIR, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 500));
      continue;
    }
    try {
      writeFileSync(join(LOCK_DIR, "pid"), String(process.pid));
      const again = dashboardBuildState();
      if (!again.needed) return undefined;
      onBuildStart?.(again.reason);
      return await buildDashboard();
    } finally {
      rmSync(LOCK_DIR, { recursive: true, force: true });
    }
  }
}

import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

/** The repository root: server/ sits directly under it. */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
export const DASHBOARD_DIR = join(REPO_ROOT, "dashboard");

let cached: string | undefined;

/** package.json's version, read once (what /api/health reports). */
export function prodtrailVersion(): string {
  cached ??= z.object({ version: z.string() }).parse(JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8"))).version;
  return cached;
}

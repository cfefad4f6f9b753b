import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";

/** The repository root, where bin/prodtrail lives. */
export const REPO_ROOT = join(import.meta.dirname, "..");
export const execFileAsync = promisify(execFile);

/**
 * Runs the real `prodtrail` binary in its own process, as a user would (the
 * embedded engine is one per process and data directory), on the embedded
 * store: CLICKHOUSE_URL is cleared. Resolves with the exit code and outputs.
 */
export async function runCli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(join(REPO_ROOT, "bin", "prodtrail"), [...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, PRODTRAIL_LOG_LEVEL: "error", CLICKHOUSE_URL: "" },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    // execFile rejects with the exit code and both outputs on the error object.
    const field = (name: string): unknown => (error instanceof Error ? Reflect.get(error, name) : undefined);
    const code = field("code");
    const text = (v: unknown) => (typeof v === "string" ? v : "");
    return { code: typeof code === "number" ? code : -1, stdout: text(field("stdout")), stderr: text(field("stderr")) };
  }
}

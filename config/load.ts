import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { configSchema, type Config } from "./schema";
import { ENV_OVERRIDES, envValue } from "./env";
import { fieldPath } from "../schemas/issues";

/** Start-up configuration error: names the file, the key and what is wrong. */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly source: string,
    readonly problems: ReadonlyArray<{ key: string; message: string }> = [],
  ) {
    super(message);
    this.name = "ConfigError";
  }
}

export interface LoadOptions {
  /** Explicit path (--config); else PRODTRAIL_CONFIG; else ./prodtrail.yaml if present. */
  path?: string;
  env?: Readonly<Record<string, string | undefined>>;
  cwd?: string;
}

export function loadConfig(options: LoadOptions = {}): Config {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const explicit = options.path ?? env.PRODTRAIL_CONFIG;
  const path = explicit ? resolve(cwd, explicit) : resolve(cwd, "prodtrail.yaml");
  let doc: unknown = {};
  let source = "defaults";
  if (existsSync(path)) {
    source = path;
    try {
      doc = parseYaml(readFileSync(path, "utf8")) ?? {};
    } catch (error) {
      throw new ConfigError(`${path}: not valid YAML/JSON: ${error instanceof Error ? error.message : String(error)}`, path);
    }
  } else if (explicit) {
    throw new ConfigError(`config file ${path} does not exist`, path);
  }
  if (!isRecord(doc)) {
    throw new ConfigError(`${source}: the top level must be a mapping of keys`, source);
  }
  const merged = structuredClone(doc);
  const fromEnv = new Map<string, string>();
  for (const override of ENV_OVERRIDES) {
    const raw = env[override.env];
    if (raw === undefined || raw === "") continue;
    setPath(merged, override.key, envValue(override, raw));
    fromEnv.set(override.key.join("."), override.env);
  }
  const result = configSchema.safeParse(merged);
  if (result.success) return { ...result.data, data_dir: resolve(cwd, result.data.data_dir) };
  const problems = result.error.issues.map((issue) => {
    const key = fieldPath(issue.path);
    const viaEnv = [...fromEnv].find(([k]) => key === k || key.startsWith(`${k}[`));
    const what = issue.code === "unrecognized_keys" ? `unknown key(s) ${issue.keys.join(", ")}` : issue.message;
    return { key, message: viaEnv ? `${what} (from environment variable ${viaEnv[1]})` : what };
  });
  const lines = problems.map((p) => `  ${p.key}: ${p.message}`).join("\n");
  throw new ConfigError(`invalid configuration in ${source}:\n${lines}`, source, problems);
}

function setPath(target: Record<string, unknown>, key: readonly string[], value: unknown): void {
  let node: Record<string, unknown> = target;
  for (const part of key.slice(0, -1)) {
    const next = node[part];
    if (isRecord(next)) node = next;
    else {
      const fresh: Record<string, unknown> = {};
      node[part] = fresh;
      node = fresh;
    }
  }
  const last = key[key.length - 1];
  if (last !== undefined) node[last] = value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

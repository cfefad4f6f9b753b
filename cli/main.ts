import { ConfigError } from "../config/load";
import { StoreError } from "../store/errors";
import { COMMANDS, type CommandName } from "./commands";
import { UsageError } from "./usage";
import { ApiKeyNotFoundError } from "../ingest/auth/api-keys";

const USAGE = `prodtrail — who touched production, when, through what; and which direct edits never reached the codebase

usage: prodtrail <command> [options]

commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)
  .join("\n")}

every command takes --config FILE (default ./prodtrail.yaml; env PRODTRAIL_CONFIG)
run 'prodtrail <command> --help' for a command's options`;

function isCommand(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name);
}

/** Runs one CLI invocation; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    console.log(USAGE);
    return name === undefined ? 2 : 0;
  }
  if (name === "--version") {
    console.log("prodtrail 0.1.0");
    return 0;
  }
  if (!isCommand(name)) {
    console.error(`prodtrail: unknown command '${name}'\n\n${USAGE}`);
    return 2;
  }
  try {
    return await COMMANDS[name].run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`prodtrail ${name}: ${error.message}\n\n${error.usage}`);
      return 2;
    }
    if (error instanceof ConfigError || error instanceof StoreError || error instanceof ApiKeyNotFoundError) {
      console.error(`prodtrail ${name}: ${error.message}`);
      return 1;
    }
    console.error(`prodtrail ${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  }
}

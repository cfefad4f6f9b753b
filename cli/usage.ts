import { parseArgs, type ParseArgsConfig } from "node:util";

/** Bad command-line input: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message);
    this.name = "UsageError";
  }
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** parseArgs with the command's usage attached to every error, and --help handled. */
export function parseCommandArgs<O extends Options>(argv: string[], options: O, usage: string, allowPositionals = false) {
  try {
    const parsed = parseArgs({ args: argv, options: { ...options, help: { type: "boolean", short: "h" } }, allowPositionals, strict: true });
    return parsed;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error), usage);
  }
}

export const CONFIG_OPTION = { config: { type: "string", short: "c" } } as const;

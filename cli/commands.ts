/**
 * Every subcommand of DESIGN.md's CLI, each loaded only when it runs (a
 * collector never loads the dashboard's modules).
 */
export interface Command {
  summary: string;
  run(argv: string[]): Promise<number>;
}


export const COMMANDS = {
  serve: {
    summary: "embedded mode: store, HTTP gateway and dashboard in one process",
    run: async (argv) => (await import("./serve")).runServeCommand(argv),
  },
  migrate: {
    summary: "apply the numbered SQL migrations to the store (embedded or CLICKHOUSE_URL)",
    run: async (argv) => (await import("./migrate")).runMigrateCommand(argv),
  },
  demo: {
    summary: "run the demo fleet simulator against a prodtrail gateway",
    run: async (argv) => (await import("./demo")).runDemoCommand(argv),
  },
  keys: {
    summary: "create, list and revoke per-collector API keys",
    run: async (argv) => (await import("./keys")).runKeysCommand(argv),
  },
  ingest: {
    summary: "Kafka → ClickHouse ingest worker (scale mode; needs KAFKA_BROKERS)",
    run: async (argv) => (await import("./ingest")).runIngestCommand(argv),
  },
  collect: { summary: "run collectors on a server (or once over a file with --stdout)", run: async (argv) => (await import("./collect")).runCollectCommand(argv) },
  emit: {
    summary: "record an event from CI: 'emit deploy --repo R --commit C --env E --hosts H'",
    run: async (argv) => (await import("./emit")).runEmitCommand(argv),
  },
  timeline: {
    summary: "print the postmortem timeline of a window (Markdown, CSV or JSON)",
    run: async (argv) => (await import("./timeline")).runTimelineCommand(argv),
  },
  verify: { summary: "verify signatures and sequence gaps of stored events", run: async (argv) => (await import("./verify")).runVerifyCommand(argv) },
  collectors: { summary: "list, register and revoke collectors' signing keys", run: async (argv) => (await import("./collectors")).runCollectorsCommand(argv) },
  drift: { summary: "list direct production edits and their state", run: async (argv) => (await import("./drift")).runDriftCommand(argv) },
  export: { summary: "write a window of events as a verifiable archive (JSON lines or Parquet, a directory or S3)", run: async (argv) => (await import("./export")).runExportCommand(argv) },
  retention: { summary: "how long events are kept, and legal holds that keep them longer", run: async (argv) => (await import("./retention")).runRetentionCommand(argv) },
  detections: { summary: "list the detection rules, run them once, or test them against their fixtures", run: async (argv) => (await import("./detections")).runDetectionsCommand(argv) },
} satisfies Record<string, Command>;

export type CommandName = keyof typeof COMMANDS;

import { z } from "zod";
import { TOPICS } from "../topics";

/**
 * The `ingest:` section of prodtrail.yaml (to be added to config/schema.ts
 * as `ingest: ingestConfigSchema.default(ingestConfigSchema.parse({}))`).
 * Unknown keys are errors naming the key, like the rest of the config.
 */
export const ingestConfigSchema = z.strictObject({
  group_id: z.string().min(1).default("prodtrail-ingest"),
  topic: z.string().min(1).default(TOPICS.events),
  dlq_topic: z.string().min(1).default(TOPICS.deadLetters),
  /** Rows per store insert at most. ClickHouse prefers few large inserts (each makes a part). */
  flush_rows: z.number().int().positive().default(10_000),
  /** Longest a valid event waits for more rows before its insert starts. */
  flush_ms: z.number().int().positive().default(1_000),
  /** Message values above this are dead-lettered as oversized (the producer default max is 1 MiB). */
  max_message_bytes: z.number().int().positive().default(1024 * 1024),
  partitions_concurrently: z.number().int().positive().default(4),
  max_bytes_per_partition: z.number().int().positive().default(4 * 1024 * 1024),
  /** Graceful stop deadline; batches still in progress are abandoned (and redelivered). */
  shutdown_timeout_ms: z.number().int().positive().default(30_000),
  metrics: z
    .strictObject({
      host: z.string().default("0.0.0.0"),
      /** 0 disables the /metrics endpoint. */
      port: z.number().int().min(0).max(65535).default(9464),
    })
    .default({ host: "0.0.0.0", port: 9464 }),
});

export type IngestConfig = z.output<typeof ingestConfigSchema>;

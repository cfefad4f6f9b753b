import { z } from "zod";
import { collectConfigSchema } from "./collect";
import { driftConfigSchema } from "./drift";
import { detectionsConfigSchema } from "./detections";
import { integrityConfigSchema } from "./integrity";
import { retentionConfigSchema } from "./retention";
import { authConfigSchema } from "./auth";
import { ingestConfigSchema } from "../ingest/worker/config";

/**
 * prodtrail.yaml, one schema for every process. Unknown keys are errors that
 * name the key, so a typo (`clickhose:`) fails at start-up instead of being
 * ignored. Every key has a default: an empty file is a working embedded setup.
 */
const port = z.number().int().min(0).max(65535);

export const clickhouseConfigSchema = z.strictObject({
  /** A ClickHouse server (scale mode). Unset: the embedded engine under data_dir. */
  url: z.url({ message: "must be a URL such as http://clickhouse:8123" }).optional(),
  database: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, { message: "must be a plain identifier" }).default("prodtrail"),
  username: z.string().default("default"),
  password: z.string().default(""),
  /** Milliseconds before a query is abandoned. */
  request_timeout_ms: z.number().int().positive().default(30_000),
  /**
   * A cluster named in the servers' remote_servers (e.g. "prodtrail"): the
   * migrations then create every table ON CLUSTER with Replicated engines and
   * a Distributed table in front (store/cluster-ddl.ts, docs/scaling.md).
   * Unset: one server or the embedded engine, plain MergeTree tables.
   */
  cluster: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, { message: "must be a plain identifier naming a cluster in remote_servers" }).optional(),
});

export const kafkaConfigSchema = z.strictObject({
  /** Unset: embedded mode (no Kafka; the gateway writes to the store). */
  brokers: z.array(z.string().regex(/^[^\s:]+:\d+$/, { message: "each broker must be host:port" })).default([]),
  client_id: z.string().default("prodtrail"),
  ssl: z.boolean().default(false),
  sasl: z
    .strictObject({
      mechanism: z.enum(["plain", "scram-sha-256", "scram-sha-512"]),
      username: z.string(),
      password: z.string(),
    })
    .optional(),
  /** How `prodtrail migrate` creates the topics (auto-creation stays off). */
  topics: z
    .strictObject({
      /** Partitions bound how many ingest workers share the work: 12 allows 1, 2, 3, 4, 6 or 12 evenly. */
      partitions: z.number().int().min(1).max(1000).default(12),
      replication_factor: z.number().int().min(1).max(7).default(1),
      /** How long Kafka keeps events: the window in which a store outage can be replayed. */
      retention_hours: z.number().int().min(1).default(168),
    })
    .default({ partitions: 12, replication_factor: 1, retention_hours: 168 }),
});

export const serverConfigSchema = z.strictObject({
  /** Loopback by default; set 0.0.0.0 to take events from other hosts (they need API keys). */
  host: z.string().default("127.0.0.1"),
  /**
   * loopback-exempt: processes on this host may post events without a key,
   * everyone else needs one; required: always (behind a same-host proxy).
   */
  api_keys: z.enum(["loopback-exempt", "required"]).default("loopback-exempt"),
  port: port.default(3000),
  /**
   * The URLs people and collectors reach this server at, e.g.
   * [https://prodtrail.example.com]. Every request's Host (and Origin) must
   * be one of them or a derived loopback/local name (server/public-url.ts);
   * the first is the base of links the dashboard shares (timeline permalink).
   */
  public_urls: z
    .array(z.url({ protocol: /^https?$/, message: "each public URL must be an http(s) URL such as https://prodtrail.example.com" }))
    .default([]),
  /**
   * A client that has not sent its request headers within this is cut off
   * (Node's default is 60 s: a stalled upload held a socket for a minute).
   */
  headers_timeout_ms: z.number().int().min(1).max(600_000).default(10_000),
  /**
   * The whole request, headers and body, within this or the connection is
   * cut off (Node's default is 300 s). 30 s carries the 8 MiB batch limit at
   * 280 KiB/s, far below any collector's link.
   */
  request_timeout_ms: z.number().int().min(1).max(3_600_000).default(30_000),
  /** Open connections at most; more are refused at accept. A collector holds one, a dashboard tab a few. */
  max_connections: z.number().int().min(1).max(1_000_000).default(1024),
  /** Run the Next.js dashboard in development mode (hot reload). */
  dev: z.boolean().default(false),
});

export const demoConfigSchema = z.strictObject({
  seed: z.number().int().default(42),
  /** Days of history generated before going live. */
  backfill_days: z.number().int().min(0).max(90).default(14),
  /** Live events per minute after the backfill (0 stops after the backfill). */
  live_events_per_minute: z.number().min(0).max(60_000).default(120),
});

export const configSchema = z.strictObject({
  /** Where embedded mode keeps its data (ClickHouse parts, keys, spool). */
  data_dir: z.string().min(1).default("./.prodtrail/data"),
  log_level: z.enum(["trace", "debug", "info", "warn", "error", "fatal"]).default("info"),
  clickhouse: clickhouseConfigSchema.default(clickhouseConfigSchema.parse({})),
  kafka: kafkaConfigSchema.default(kafkaConfigSchema.parse({})),
  server: serverConfigSchema.default(serverConfigSchema.parse({})),
  demo: demoConfigSchema.default(demoConfigSchema.parse({})),
  collect: collectConfigSchema.default(collectConfigSchema.parse({})),
  auth: authConfigSchema.default(authConfigSchema.parse({})),
  drift: driftConfigSchema.default(driftConfigSchema.parse({})),
  detections: detectionsConfigSchema.default(detectionsConfigSchema.parse({})),
  integrity: integrityConfigSchema.default(integrityConfigSchema.parse({})),
  retention: retentionConfigSchema.default(retentionConfigSchema.parse({})),
  ingest: ingestConfigSchema.default(ingestConfigSchema.parse({})),
});

export type Config = z.output<typeof configSchema>;
export type ClickHouseConfig = Config["clickhouse"];
export type KafkaConfig = Config["kafka"];

import { z } from "zod";
import { SEVERITIES } from "../schemas/vocab";

/**
 * The `detections:` section of prodtrail.yaml: which rules run, how the
 * scheduler walks received_at, the change window, and where findings are
 * sent. Every key has a default: the built-in rules run every minute.
 */
const paramValue = z.union([z.string(), z.number(), z.array(z.string())]);

export const webhookSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, { message: "lower-case letters, digits, '-', '_'" }),
  url: z.url({ message: "must be a URL such as https://hooks.slack.com/services/…" }),
  /** json: the finding as JSON; slack: a Slack-compatible `{ text, blocks }` body. */
  format: z.enum(["json", "slack"]).default("json"),
  /** Only findings at or above this severity. */
  min_severity: z.enum(SEVERITIES).default("medium"),
  /** Only these rules (empty: every rule). */
  rules: z.array(z.string()).default([]),
  timeout_ms: z.number().int().min(100).max(60_000).default(5_000),
  /** Attempts before the delivery goes to the dead-letter list; backoff doubles from 1 s. */
  max_attempts: z.number().int().min(1).max(20).default(5),
});

export const detectionsConfigSchema = z.strictObject({
  /** Directories of the user's own rule files (added to the built-in ones). */
  rule_dirs: z.array(z.string().min(1)).default([]),
  /** Run the rules shipped in detections/rules. */
  builtin_rules: z.boolean().default(true),
  /** Rule ids not to run. */
  disabled: z.array(z.string()).default([]),
  /** How often serve/ingest run a round. 0 disables the scheduler there. */
  interval_seconds: z.number().int().min(0).max(86_400).default(60),
  /**
   * Each round re-reads this much before where the last one stopped: a batch
   * whose received_at is before the round's end may commit after it ran.
   * 5 min covers the ingest worker's retry backoff (max 30 s) ten times over.
   */
  overlap_seconds: z.number().int().min(0).max(86_400).default(300),
  /** After downtime, rounds catch up at most this far back (older windows are skipped and logged). */
  max_backfill_hours: z.number().min(0).max(24 * 31).default(24),
  /** A catch-up is cut into windows of at most this length, each recorded when done. */
  max_window_minutes: z.number().int().min(1).max(24 * 60).default(60),
  /** The first round of a new rule looks back this far. */
  initial_lookback_minutes: z.number().int().min(0).max(24 * 60 * 31).default(60),
  /** Per rule id, parameter overrides (`prodtrail-ssh-brute-force: { threshold: 20 }`). */
  params: z.record(z.string(), z.record(z.string(), paramValue)).default({}),
  /** When deploys and direct edits are expected (UTC); outside it the change-window rule fires. */
  change_window: z
    .strictObject({
      days: z.array(z.number().int().min(1).max(7)).min(1).default([1, 2, 3, 4, 5]),
      start_hour: z.number().int().min(0).max(23).default(8),
      end_hour: z.number().int().min(1).max(24).default(18),
    })
    .optional(),
  webhooks: z.array(webhookSchema).max(50).default([]),
  /** How people reach the dashboard: links in notifications point here. */
  dashboard_url: z.url({ message: "must be a URL such as https://prodtrail.example.com" }).default("http://127.0.0.1:3000"),
  /** Findings waiting for delivery beyond this are dead-lettered at once (memory bound). */
  notify_queue_limit: z.number().int().min(1).max(100_000).default(1_000),
});

export type DetectionsConfig = z.output<typeof detectionsConfigSchema>;
export type WebhookConfig = z.output<typeof webhookSchema>;

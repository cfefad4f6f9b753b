import { randomUUID } from "node:crypto";
import type { WebhookConfig } from "../../config/detections";
import type { Logger } from "../../lib/log";
import { SEVERITIES } from "../../schemas/vocab";
import type { Store } from "../../store/open";
import { insertRows } from "../../store/query";
import type { StoredFinding } from "../finding-rows";
import { jsonBody, slackBody } from "./bodies";

/**
 * Webhook notifications that never slow ingestion or the scheduler:
 * `enqueue` only appends to an in-memory queue and returns; one delivery
 * loop per destination sends, retries with exponential backoff, and writes
 * what failed every attempt to `notification_dead_letters`. A destination
 * that hangs delays only its own queue (each attempt has timeout_ms). The
 * queue is bounded (notify_queue_limit): beyond it, deliveries are
 * dead-lettered at once rather than growing memory without end.
 */
export interface NotifierOptions {
  store: Store;
  webhooks: readonly WebhookConfig[];
  queueLimit: number;
  log: Logger;
  dashboardUrl: string;
  /** First retry delay; doubles per attempt. 1 s in production, shorter in tests. */
  baseBackoffMs?: number;
}

interface Delivery {
  id: string;
  finding: StoredFinding;
  body: string;
}

const rank = (s: string) => SEVERITIES.findIndex((x) => x === s);

export class Notifier {
  private readonly queues = new Map<string, Delivery[]>();
  private readonly wake = new Map<string, () => void>();
  private readonly loops: Promise<void>[] = [];
  private stopping = false;
  private readonly sleepers = new Set<() => void>();
  readonly delivered: string[] = [];

  constructor(private readonly o: NotifierOptions) {
    for (const hook of o.webhooks) {
      this.queues.set(hook.name, []);
      this.loops.push(this.loop(hook));
    }
  }

  /** Never awaits and never throws: called from the scheduler's round. */
  enqueue(findings: readonly StoredFinding[]): void {
    for (const hook of this.o.webhooks) {
      const queue = this.queues.get(hook.name);
      if (queue === undefined) continue;
      for (const f of findings) {
        if (rank(f.severity) < rank(hook.min_severity) || (hook.rules.length > 0 && !hook.rules.includes(f.rule_id || f.detector))) continue;
        const body = JSON.stringify(hook.format === "slack" ? slackBody(f, this.o.dashboardUrl) : jsonBody(f, this.o.dashboardUrl));
        const delivery = { id: randomUUID(), finding: f, body };
        if (queue.length >= this.o.queueLimit) void this.deadLetter(hook, delivery, 0, `queue full (${this.o.queueLimit} waiting)`);
        else queue.push(delivery);
      }
      this.wake.get(hook.name)?.();
    }
  }

  private async loop(hook: WebhookConfig): Promise<void> {
    const queue = this.queues.get(hook.name) ?? [];
    while (!this.stopping) {
      const next = queue.shift();
      if (next === undefined) {
        await new Promise<void>((resolve) => this.wake.set(hook.name, resolve));
        continue;
      }
      await this.deliver(hook, next);
    }
  }

  private async deliver(hook: WebhookConfig, d: Delivery): Promise<void> {
    let lastError = "";
    for (let attempt = 1; attempt <= hook.max_attempts; attempt += 1) {
      try {
        const response = await fetch(hook.url, { method: "POST", headers: { "content-type": "application/json", "user-agent": "prodtrail-notifier/1" }, body: d.body, signal: AbortSignal.timeout(hook.timeout_ms) });
        await response.body?.cancel();
        if (response.ok) {
          this.delivered.push(`${hook.name}:${d.finding.finding_id}`);
          return;
        }
        lastError = `HTTP ${response.status}`;
      } catch (error) {
        lastError = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      }
      if (this.stopping) break;
      if (attempt < hook.max_attempts) await this.sleep((this.o.baseBackoffMs ?? 1000) * 2 ** (attempt - 1));
    }
    this.o.log.warn({ destination: hook.name, finding: d.finding.finding_id, error: lastError }, "notification failed every attempt; dead-lettered");
    await this.deadLetter(hook, d, hook.max_attempts, lastError);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.sleepers.add(done);
    });
  }

  private async deadLetter(hook: WebhookConfig, d: Delivery, attempts: number, error: string): Promise<void> {
    try {
      await insertRows(this.o.store, { table: "notification_dead_letters", rows: [{ delivery_id: d.id, destination: hook.name, finding_id: d.finding.finding_id, body: d.body, attempts, last_error: error.slice(0, 1000), failed_at: new Date().toISOString() }] });
    } catch (err) {
      this.o.log.error({ err, destination: hook.name, finding: d.finding.finding_id }, "notification dead letter could not be written");
    }
  }

  /** Stops the loops; what is still queued is dead-lettered (never silently lost). */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const wake of this.wake.values()) wake();
    for (const s of [...this.sleepers]) s();
    await Promise.all(this.loops);
    for (const hook of this.o.webhooks) for (const d of this.queues.get(hook.name)?.splice(0) ?? []) await this.deadLetter(hook, d, 0, "not delivered before shutdown");
  }
}

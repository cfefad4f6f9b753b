import { parseEvent, type AuditEvent } from "../../../schemas";
import type { AptTransaction } from "./apt-history";

/**
 * Attribute dpkg.log's change.package events to the person apt names.
 *
 * dpkg.log is written while packages change; apt writes its history stanza's
 * package lists and End-Date only when the run ends. So the daemon holds
 * dpkg events here until a transaction covering them arrives (or HOLD_MS
 * passes: dpkg run directly has no apt stanza), then releases them:
 * attributed when a transaction's [Start-Date, End-Date] window (±2 s: the
 * two logs are written by different processes with second resolution) lists
 * the same package, unattributed otherwise. Ids are unchanged: the
 * attribution is an enrichment of the same record.
 */
const SLACK_MS = 2000;
/** apt dist-upgrades run for tens of minutes; an hour covers them with margin. */
export const HOLD_MS = 60 * 60 * 1000;
const MAX_HELD = 10_000;
const MAX_TX = 256;

type PackageEvent = Extract<AuditEvent, { type: "change.package" }>;

export class PackageJoiner {
  private held: PackageEvent[] = [];
  private transactions: AptTransaction[] = [];

  constructor(private readonly holdMs = HOLD_MS) {}

  /** dpkg events (others pass through untouched). */
  addEvents(events: readonly AuditEvent[]): AuditEvent[] {
    const passed: AuditEvent[] = [];
    for (const e of events) {
      if (e.type !== "change.package") passed.push(e);
      else {
        const tx = this.transactions.find((t) => covers(t, e));
        if (tx) passed.push(attribute(e, tx));
        else this.held.push(e);
      }
    }
    if (this.held.length > MAX_HELD) passed.push(...this.held.splice(0, this.held.length - MAX_HELD));
    return passed;
  }

  /** A completed apt transaction: releases the held events it covers, attributed. */
  addTransaction(tx: AptTransaction): AuditEvent[] {
    this.transactions.push(tx);
    if (this.transactions.length > MAX_TX) this.transactions.shift();
    const released: AuditEvent[] = [];
    this.held = this.held.filter((e) => {
      if (!covers(tx, e)) return true;
      released.push(attribute(e, tx));
      return false;
    });
    return released;
  }

  /** Releases events held longer than the hold window, unattributed. */
  expire(nowMs: number): AuditEvent[] {
    const released = this.held.filter((e) => Date.parse(e.occurred_at) < nowMs - this.holdMs);
    this.held = this.held.filter((e) => Date.parse(e.occurred_at) >= nowMs - this.holdMs);
    return released;
  }

  /** Shutdown / end of a run-once file: release everything. */
  flush(): AuditEvent[] {
    const all = this.held;
    this.held = [];
    return all;
  }
}

function covers(tx: AptTransaction, e: PackageEvent): boolean {
  const t = Date.parse(e.occurred_at);
  const end = tx.endMs ?? tx.startMs + HOLD_MS;
  if (t < tx.startMs - SLACK_MS || t > end + SLACK_MS) return false;
  // apt's history shows arch-independent (`all`) packages under the native arch: nginx-common:amd64.
  const arch = e.labels.arch === "all" ? undefined : e.labels.arch;
  return tx.ops.some((op) => op.package === e.package && (op.arch === undefined || arch === undefined || op.arch === arch));
}

/**
 * Requested-By comes from SUDO_UID, which sudo sets and an unprivileged user
 * cannot forge for a root apt run: confidence 0.9 rather than 1 because the
 * match to the dpkg line is by package and time window, not by process id.
 * The schema has no "package-log" attribution method; "auth-log" is the
 * closest (a system log naming the authenticated user).
 */
function attribute(e: PackageEvent, tx: AptTransaction): AuditEvent {
  const labels = { ...e.labels, ...(tx.commandline ? { apt_commandline: tx.commandline.slice(0, 256) } : {}) };
  const who = tx.requestedBy
    ? { actor_id: tx.requestedBy.user, actor_kind: "human" as const, attribution_method: "auth-log" as const, attribution_confidence: 0.9, channel: "sudo" as const }
    : {};
  const result = parseEvent({ ...e, ...who, effective_user: "root", labels });
  return result.ok ? result.event : e;
}

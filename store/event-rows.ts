import { z } from "zod";
import { parseEvent, type AuditEvent } from "../schemas";

/**
 * The events table row for one event: every column present, absent optional
 * strings as '' and absent numbers as NULL (the table's defaults), so the
 * row shape is the same whatever the type.
 */
export function toEventRow(event: AuditEvent, receivedAt: string): Record<string, unknown> {
  const e: Record<string, unknown> = { ...event };
  const s = (key: string): string => {
    const v = e[key];
    return typeof v === "string" ? v : "";
  };
  const n = (key: string): number | null => {
    const v = e[key];
    return typeof v === "number" ? v : null;
  };
  const b = (key: string): boolean => e[key] === true;
  const files = Array.isArray(e.files) ? e.files : [];
  const parents = Array.isArray(e.parents) ? e.parents : [];
  return {
    event_id: event.event_id,
    schema_version: event.schema_version,
    type: event.type,
    category: event.category,
    occurred_at: event.occurred_at,
    received_at: receivedAt,
    actor_id: event.actor_id,
    actor_kind: event.actor_kind,
    effective_user: s("effective_user"),
    impersonator: s("impersonator"),
    attribution_method: event.attribution_method,
    attribution_confidence: event.attribution_confidence,
    team: s("team"),
    channel: event.channel,
    session_id: s("session_id"),
    grant_id: s("grant_id"),
    break_glass: event.break_glass,
    ticket: s("ticket"),
    source_ip: s("source_ip"),
    user_agent: s("user_agent"),
    env: event.env,
    host: event.host,
    service: s("service"),
    resource: s("resource"),
    labels: event.labels,
    outcome: event.outcome,
    reason: s("reason"),
    severity: event.severity,
    command: s("command"),
    path: s("path"),
    op: s("op"),
    old_path: s("old_path"),
    before_hash: s("before_hash"),
    after_hash: s("after_hash"),
    size: n("size"),
    mode: s("mode"),
    owner: s("owner"),
    diff_added: n("diff_added"),
    diff_removed: n("diff_removed"),
    package: s("package"),
    version_before: s("version_before"),
    version_after: s("version_after"),
    duration_s: n("duration_s"),
    repo: s("repo"),
    commit: s("commit"),
    branch: s("branch"),
    parents,
    files,
    snapshot: b("snapshot"),
    pipeline: s("pipeline"),
    artifact: s("artifact"),
    deploy_id: s("deploy_id"),
    collector_id: s("collector_id"),
    collector_version: s("collector_version"),
    seq: n("seq"),
    prev_hash: s("prev_hash"),
    hash: s("hash"),
    sig: s("sig"),
    raw: s("raw"),
  };
}

/** Columns that exist only for some types: an empty value means "absent". */
const TYPE_FREE_COLUMNS: ReadonlySet<string> = new Set(["parents", "files", "snapshot"]);

/** ClickHouse prints DateTime64 as `YYYY-MM-DD hh:mm:ss.sss` (UTC here); back to RFC 3339. */
export function chTimeToIso(value: string): string {
  return value.includes("T") ? new Date(value).toISOString() : new Date(`${value.replace(" ", "T")}Z`).toISOString();
}

const rowSchema = z.record(z.string(), z.unknown());

/**
 * A row read back from `events` → the event it was written from. Empty
 * strings and NULLs become absent fields, then the event schema validates
 * the result, so a reader never sees an event the writer could not have sent.
 */
export function fromEventRow(input: unknown): AuditEvent {
  const row = rowSchema.parse(input);
  const candidate: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    // ver is the store's own bookkeeping (first received wins, store/event-index.ts), not part of the event.
    if (value === "" || value === null || key === "ver") continue;
    if (key === "received_at" || key === "occurred_at") candidate[key] = chTimeToIso(String(value));
    else if (key === "seq" || key === "size" || key === "diff_added" || key === "diff_removed" || key === "schema_version") candidate[key] = Number(value);
    else if (key === "attribution_confidence") candidate[key] = Math.round(Number(value) * 1e6) / 1e6;
    else candidate[key] = value;
  }
  const isCommitOrSnapshot = candidate.type === "codebase.commit";
  if (!isCommitOrSnapshot) for (const key of TYPE_FREE_COLUMNS) delete candidate[key];
  const result = parseEvent(candidate);
  if (!result.ok) {
    throw new Error(`events row ${String(row.event_id)} is not a valid event: ${result.issues.map((i) => `${i.field}: ${i.message}`).join("; ")}`);
  }
  return result.event;
}

import { deriveEventId, parseEventOrThrow, type AuditEvent } from "../../../schemas";
import type { Kept } from "./kept";
import type { Change } from "./observe";

/**
 * A `change.file` event. The files source sees what changed, not who did
 * it: actor "unknown", attribution "none", confidence 0, channel "unknown"
 * (the drift engine attributes later from auditd and sessions).
 *
 * The id is derived from host, path, op, both hashes, mode and the change's
 * ctime: a change re-detected after a crash (before the baseline was saved)
 * gets the same id and is deduplicated downstream.
 */
export interface ChangeContext {
  host: string;
  env: string;
  labels?: Readonly<Record<string, string>>;
  /** Kept host content (opted in): `raw` holds it, label `kept` says how (kept.ts). */
  kept?: Kept;
  /** Counts from the line diff, when both sides were small text. */
  diff: { added: number; removed: number } | null;
  owner: string | undefined;
  /** When the deletion was noticed (a deleted file has no ctime to read). */
  now: Date;
}

export function octalMode(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, "0");
}

export function changeEvent(change: Change, ctx: ChangeContext): AuditEvent {
  const after = change.after?.entry;
  const before = change.before;
  const ctime = after?.ctimeMs ?? before?.ctimeMs ?? 0;
  const occurred = after !== undefined ? new Date(Math.floor(ctime)) : ctx.now;
  const modeBits = after?.mode ?? before?.mode;
  return parseEventOrThrow({
    event_id: deriveEventId("change.file", ctx.host, change.path, change.op, before?.blob ?? "", after?.blob ?? "", modeBits ?? "", ctime),
    schema_version: 1,
    type: "change.file",
    occurred_at: occurred.toISOString(),
    actor_id: "unknown",
    actor_kind: "unknown",
    attribution_method: "none",
    attribution_confidence: 0,
    channel: "unknown",
    env: ctx.env,
    host: ctx.host,
    resource: change.path,
    outcome: "success",
    path: change.path,
    op: change.op,
    ...(before !== undefined ? { before_hash: before.blob } : {}),
    ...(after !== undefined ? { after_hash: after.blob, size: after.size } : {}),
    ...(modeBits !== undefined ? { mode: octalMode(modeBits) } : {}),
    ...(ctx.owner !== undefined ? { owner: ctx.owner } : {}),
    ...(ctx.diff !== null ? { diff_added: ctx.diff.added, diff_removed: ctx.diff.removed } : {}),
    ...(labelsOf({ ...ctx.labels, ...(ctx.kept ? { kept: ctx.kept.kept } : {}) }, (after ?? before)?.kind === "symlink")),
    ...(ctx.kept?.raw !== undefined ? { raw: ctx.kept.raw } : {}),
  });
}

function labelsOf(configured: Readonly<Record<string, string>> | undefined, symlink: boolean): { labels?: Record<string, string> } {
  const labels = { ...configured, ...(symlink ? { file_kind: "symlink" } : {}) };
  return Object.keys(labels).length === 0 ? {} : { labels };
}

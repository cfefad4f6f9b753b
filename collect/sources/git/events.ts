import { deriveEventId, LIMITS, parseEventOrThrow, type AuditEvent } from "../../../schemas";
import type { CommitMeta, FileEntry } from "./parse";

/**
 * `codebase.commit` events. One commit touching more than LIMITS.files
 * (5,000) paths becomes several events, ids `(repo, commit, part)`, labelled
 * `part: "2/3"`. Ids depend on repository and commit only, so a commit seen
 * again (re-index, force-push, second branch) is the same event.
 *
 * Attribution: the author email, `git-author`, confidence 0.8 — the author
 * line is whatever the committer's git config said; nothing verifies it on
 * an unsigned commit, and a rebase or cherry-pick keeps the original author.
 * The initial snapshot is the indexer's own observation: actor
 * `prodtrail-git-indexer`, a service, attribution none.
 */
export interface RepoContext {
  repo: string;
  branch: string;
  host: string;
  env: string;
  /** Files per event; LIMITS.files unless a test wants small chunks. */
  maxFiles?: number;
}

export const GIT_AUTHOR_CONFIDENCE = 0.8;
const MIN = Date.parse("2000-01-01T00:00:00Z");
const MAX = Date.parse("2100-01-01T00:00:00Z");
const BOT = /\[bot\]|^bot@|noreply.*bot|-bot@/i;

function chunks<T>(items: readonly T[], size: number): T[][] {
  if (items.length === 0) return [[]];
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Commit dates outside the schema's 2000–2100 window (imported history, broken clocks) are clamped and labelled. */
function occurredAt(date: string): { at: string; labels: Record<string, string> } {
  const t = Date.parse(date);
  if (Number.isFinite(t) && t >= MIN && t < MAX) return { at: new Date(t).toISOString(), labels: {} };
  return { at: new Date(Number.isFinite(t) && t >= MAX ? MAX - 1 : MIN).toISOString(), labels: { committer_date: date.slice(0, 64) } };
}

export function commitEvents(meta: CommitMeta, files: readonly FileEntry[], ctx: RepoContext): AuditEvent[] {
  const parts = chunks(files, Math.min(ctx.maxFiles ?? LIMITS.files, LIMITS.files));
  const when = occurredAt(meta.committerDate);
  const actor = meta.authorEmail !== "" ? meta.authorEmail : meta.authorName !== "" ? meta.authorName : "unknown";
  return parts.map((part, i) =>
    parseEventOrThrow({
      event_id: deriveEventId("codebase.commit", ctx.repo, meta.commit, i),
      schema_version: 1,
      type: "codebase.commit",
      occurred_at: when.at,
      actor_id: actor.slice(0, LIMITS.name),
      actor_kind: actor === "unknown" ? "unknown" : BOT.test(actor) ? "service" : "human",
      attribution_method: "git-author",
      attribution_confidence: GIT_AUTHOR_CONFIDENCE,
      channel: "git",
      env: ctx.env,
      host: ctx.host,
      outcome: "success",
      repo: ctx.repo,
      commit: meta.commit,
      branch: ctx.branch,
      parents: meta.parents.slice(0, LIMITS.parents),
      files: part,
      labels: { ...when.labels, ...(parts.length > 1 ? { part: `${i + 1}/${parts.length}` } : {}) },
    }),
  );
}

export function snapshotEvents(tip: CommitMeta, files: readonly FileEntry[], ctx: RepoContext): AuditEvent[] {
  const parts = chunks(files, Math.min(ctx.maxFiles ?? LIMITS.files, LIMITS.files));
  const when = occurredAt(tip.committerDate);
  return parts.map((part, i) =>
    parseEventOrThrow({
      event_id: deriveEventId("codebase.snapshot", ctx.repo, tip.commit, i),
      schema_version: 1,
      type: "codebase.commit",
      occurred_at: when.at,
      actor_id: "prodtrail-git-indexer",
      actor_kind: "service",
      attribution_method: "none",
      attribution_confidence: 0,
      channel: "git",
      env: ctx.env,
      host: ctx.host,
      outcome: "success",
      repo: ctx.repo,
      commit: tip.commit,
      branch: ctx.branch,
      parents: tip.parents.slice(0, LIMITS.parents),
      files: part,
      snapshot: true,
      labels: { ...when.labels, part: `${i + 1}/${parts.length}` },
    }),
  );
}

import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Sink } from "../collect/sink";
import type { Store } from "../store/open";
import { insertRows } from "../store/query";
import { findingRow, findingsByIdQuery, type StoredFinding } from "./finding-rows";
import { listSuppressions, type Suppression } from "./suppressions";
import { triageEvent, type TriageActor } from "./triage-event";

/**
 * Findings lifecycle: open → acknowledged → resolved | false_positive, with
 * an assignee and a note; reopen from any closed state. The audit record is
 * published first (and must be durable): a triage whose record could not be
 * written is not applied.
 */
export class TriageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TriageError";
  }
}

const NEXT: Record<string, { to: string; from: readonly string[] }> = {
  acknowledge: { to: "acknowledged", from: ["open"] },
  resolve: { to: "resolved", from: ["open", "acknowledged"] },
  false_positive: { to: "false_positive", from: ["open", "acknowledged", "suppressed"] },
  reopen: { to: "open", from: ["acknowledged", "resolved", "false_positive", "suppressed"] },
};

export const triageInputSchema = z.strictObject({
  findingId: z.string().min(1).max(512),
  action: z.enum(["acknowledge", "resolve", "false_positive", "reopen", "assign"]),
  assignee: z.string().trim().max(256).optional(),
  note: z.string().trim().max(4000).default(""),
});
export type TriageInput = z.input<typeof triageInputSchema>;

export async function triageFinding(store: Store, sink: Sink, actor: TriageActor, input: TriageInput, now = new Date()): Promise<StoredFinding> {
  const t = triageInputSchema.parse(input);
  const [finding] = await findingsByIdQuery(store, { ids: [t.findingId] });
  if (finding === undefined) throw new TriageError(`no finding with id ${t.findingId}`);
  let status = finding.status;
  if (t.action === "assign") {
    if (t.assignee === undefined) throw new TriageError("assign needs an assignee (an email or a name; empty to unassign)");
  } else {
    const step = NEXT[t.action];
    if (step === undefined || !step.from.includes(finding.status)) throw new TriageError(`a ${finding.status} finding cannot be ${t.action === "false_positive" ? "marked false positive" : `${t.action}d`}`);
    if ((t.action === "resolve" || t.action === "false_positive") && t.note.length < 3) throw new TriageError(`${t.action === "resolve" ? "resolving" : "marking a false positive"} needs a note of at least 3 characters saying why`);
    status = step.to;
  }
  const assignee = t.assignee ?? finding.assignee;
  await sink.publish([triageEvent({ actor, action: t.action, target: finding.finding_id, note: t.note, labels: { status, ...(assignee ? { assignee } : {}) } }, now)]);
  const next: StoredFinding = { ...finding, status, assignee, note: t.note || finding.note, updated_at: now.toISOString(), version: Math.max(now.getTime(), finding.version + 1) };
  await insertRows(store, { table: "findings", rows: [findingRow(next)] });
  return next;
}

export const suppressionInputSchema = z
  .strictObject({
    ruleId: z.string().min(1).max(256),
    actorId: z.string().trim().max(256).default(""),
    host: z.string().trim().max(256).default(""),
    sourceIp: z.string().trim().max(64).default(""),
    reason: z.string().trim().min(3, { message: "a reason of at least 3 characters is required" }).max(2000),
    /** Days until it expires: 1 to 365. A suppression never lasts forever. */
    days: z.number().int().min(1).max(365),
  })
  .refine((s) => s.actorId !== "" || s.host !== "" || s.sourceIp !== "", { message: "name an actor, a host or a source address: a suppression of a whole rule is disabling it (detections.disabled)" });
export type SuppressionInput = z.input<typeof suppressionInputSchema>;

export async function createSuppression(store: Store, sink: Sink, actor: TriageActor, input: SuppressionInput, now = new Date()): Promise<Suppression> {
  const s = suppressionInputSchema.parse(input);
  const row: Suppression = {
    suppression_id: `sup-${randomUUID()}`,
    rule_id: s.ruleId,
    actor_id: s.actorId,
    host: s.host,
    source_ip: s.sourceIp,
    reason: s.reason,
    created_by: actor.actorId,
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + s.days * 86_400_000).toISOString(),
    revoked: false,
    version: now.getTime(),
  };
  const labels = { rule: s.ruleId, expires: row.expires_at, ...(s.actorId ? { actor: s.actorId } : {}), ...(s.host ? { host: s.host } : {}), ...(s.sourceIp ? { source_ip: s.sourceIp } : {}) };
  await sink.publish([triageEvent({ actor, action: "suppress", target: row.suppression_id, note: s.reason, labels }, now)]);
  await insertRows(store, { table: "suppressions", rows: [{ ...row }] });
  return row;
}

export async function revokeSuppression(store: Store, sink: Sink, actor: TriageActor, suppressionId: string, note: string, now = new Date()): Promise<Suppression> {
  const found = (await listSuppressions(store, 10_000)).find((s) => s.suppression_id === suppressionId);
  if (found === undefined) throw new TriageError(`no suppression with id ${suppressionId}`);
  if (found.revoked) throw new TriageError(`suppression ${suppressionId} is already revoked`);
  await sink.publish([triageEvent({ actor, action: "unsuppress", target: suppressionId, note, labels: { rule: found.rule_id } }, now)]);
  const next = { ...found, revoked: true, version: Math.max(now.getTime(), found.version + 1) };
  await insertRows(store, { table: "suppressions", rows: [{ ...next }] });
  return next;
}

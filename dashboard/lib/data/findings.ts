import "server-only";
import { z } from "zod";
import { eventsByIdQuery } from "../../../store/events";
import type { Store } from "../../../store/open";
import { sharedAuthRuntime } from "../../../server/auth/runtime";
import { FINDING_STATUSES, type StoredFinding } from "../../../detections/finding-rows";
import { listSuppressions, type Suppression } from "../../../detections/suppressions";
import { createSuppression, revokeSuppression, triageFinding, type SuppressionInput, type TriageInput } from "../../../detections/triage";
import type { TriageActor } from "../../../detections/triage-event";
import { SEVERITIES } from "../../../schemas/vocab";
import type { AuditEvent } from "../../../schemas";
import { assertCan, type Viewer } from "../auth/permissions";
import { findingByIdQuery, findingCountsQuery, findingsPerRuleQuery, findingsQueueQuery, triageHistoryQuery } from "../queries/findings";

/**
 * The Anomalies page's data. Viewers get counts (aggregates:read); the
 * queue, evidence and suppressions need findings:read; triage and
 * suppressions need findings:triage, and each is an audited server-side
 * record published through the dashboard's sink before it is applied.
 */
export const queueFiltersSchema = z.strictObject({
  status: z.array(z.enum(FINDING_STATUSES)).max(10).default(["open", "acknowledged"]),
  severity: z.array(z.enum(SEVERITIES)).max(10).default([]),
  rule: z.array(z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, { message: "a rule id has letters, digits, '.', '_', ':', '-'" })).max(50).default([]),
  host: z.string().max(256).default(""),
  actor: z.string().max(256).default(""),
});
export type QueueFilters = z.output<typeof queueFiltersSchema>;

export type QueuedFinding = StoredFinding & { age_s: number };

export async function findingsQueue(viewer: Viewer, store: Store, filters: QueueFilters, limit = 500): Promise<QueuedFinding[]> {
  assertCan(viewer, "findings:read");
  return findingsQueueQuery(store, { statuses: filters.status, severities: filters.severity, rules: filters.rule, host: filters.host, actor: filters.actor, limit });
}

export interface FindingCounts {
  open: number;
  bySeverity: Array<{ severity: string; open: number; total: number }>;
  perRule: Array<{ rule: string; days: Record<string, number>; total: number }>;
  days: string[];
}

/** Counts only: what a viewer may see, and the overview tile. */
export async function findingCounts(viewer: Viewer, store: Store, days = 14): Promise<FindingCounts> {
  assertCan(viewer, "aggregates:read");
  const [counts, perRule] = await Promise.all([findingCountsQuery(store, {}), findingsPerRuleQuery(store, { days })]);
  const isOpen = (s: string) => s === "open" || s === "acknowledged";
  const bySeverity = [...SEVERITIES].reverse().map((severity) => ({
    severity,
    open: counts.filter((c) => c.severity === severity && isOpen(c.status)).reduce((n, c) => n + c.findings, 0),
    total: counts.filter((c) => c.severity === severity).reduce((n, c) => n + c.findings, 0),
  }));
  const today = new Date();
  const dayList = Array.from({ length: days }, (_, i) => new Date(today.getTime() - (days - 1 - i) * 86_400_000).toISOString().slice(0, 10));
  const rules = new Map<string, { rule: string; days: Record<string, number>; total: number }>();
  for (const r of perRule) {
    const entry = rules.get(r.rule) ?? { rule: r.rule, days: {}, total: 0 };
    entry.days[r.day] = r.findings;
    entry.total += r.findings;
    rules.set(r.rule, entry);
  }
  return { open: bySeverity.reduce((n, s) => n + s.open, 0), bySeverity, perRule: [...rules.values()].sort((a, b) => b.total - a.total), days: dayList };
}

export interface FindingDetail {
  finding: StoredFinding;
  evidence: AuditEvent[];
  history: Array<{ occurred_at: string; actor_id: string; action: string; note: string }>;
}

export async function findingDetail(viewer: Viewer, store: Store, id: string): Promise<FindingDetail | undefined> {
  assertCan(viewer, "findings:read");
  const [finding] = await findingByIdQuery(store, { id });
  if (finding === undefined) return undefined;
  const [evidence, history] = await Promise.all([
    finding.event_ids.length > 0 ? eventsByIdQuery(store, { ids: finding.event_ids }) : Promise.resolve([]),
    triageHistoryQuery(store, { suffix: `:${finding.finding_id}` }),
  ]);
  return { finding, evidence, history };
}

export async function suppressionsList(viewer: Viewer, store: Store): Promise<Suppression[]> {
  assertCan(viewer, "findings:read");
  return listSuppressions(store);
}

const actorOf = (viewer: Viewer): TriageActor => ({ actorId: viewer.email, attributionMethod: "dashboard-session", sessionId: viewer.sessionId, host: "prodtrail" });

export async function triage(viewer: Viewer, store: Store, input: TriageInput): Promise<StoredFinding> {
  assertCan(viewer, "findings:triage");
  return triageFinding(store, sharedAuthRuntime().sink, actorOf(viewer), input);
}

export async function suppress(viewer: Viewer, store: Store, input: SuppressionInput): Promise<Suppression> {
  assertCan(viewer, "findings:triage");
  return createSuppression(store, sharedAuthRuntime().sink, actorOf(viewer), input);
}

export async function unsuppress(viewer: Viewer, store: Store, suppressionId: string, note: string): Promise<Suppression> {
  assertCan(viewer, "findings:triage");
  return revokeSuppression(store, sharedAuthRuntime().sink, actorOf(viewer), suppressionId, note);
}

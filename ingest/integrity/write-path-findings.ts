import { z } from "zod";
import type { ClockSkewConfig } from "../../config/integrity";
import type { AuditEvent } from "../../schemas";
import type { Conflict } from "../../store/first-write";
import type { Store } from "../../store/open";
import { defineQuery, insertRows } from "../../store/query";
import { DETECTOR, findingId, severityOf, type FindingRow } from "./findings";

/**
 * Findings the write path raises (gateway and ingest worker), beside the
 * ones the integrity rounds raise: a conflicting copy refused, a clock far
 * off. Ids are deterministic, so a resent conflicting copy, or the same
 * skewed collector seen by several workers, is one finding.
 */
type NewFinding = Omit<FindingRow, "created_at" | "version">;

const sourceOf = (e: AuditEvent): string => e.collector_id ?? `host/${e.host}`;

export function conflictFinding(conflict: Conflict, offered: AuditEvent): NewFinding {
  const o = conflict.original;
  const changed = conflict.within_batch ? "twice in one batch with different content" : "again with different content";
  return {
    // The offered hash in the id: a second, different forgery is a second finding.
    finding_id: findingId(sourceOf(offered), "conflict", `${conflict.event_id}:${conflict.offered_hash.slice(0, 16)}`),
    severity: severityOf("conflict"),
    title: `event ${conflict.event_id} sent ${changed} (from ${sourceOf(offered)}, host ${offered.host}); refused, the first stored version kept`,
    detail:
      `An event id that the store holds was offered with other content (stored sha256 ${o.content_hash || "(legacy)"}, offered ${conflict.offered_hash}). ` +
      "Stored records are never rewritten: the offered copy was refused. A collector bug re-using ids, or someone trying to rewrite history.",
    // The original's env and time: the finding sits beside the event it protects, and its key never moves.
    env: o.env,
    host: offered.host,
    service: offered.service ?? "",
    actor_id: offered.actor_id,
    occurred_at: o.occurred_at,
    event_ids: [conflict.event_id],
    status: "open",
  };
}

const HOUR_MS = 3_600_000;

/** One finding per collector (or host) per receive hour whose events' times are off by more than the thresholds. */
export function clockSkewFindings(events: readonly AuditEvent[], receivedAt: string, limits: ClockSkewConfig): NewFinding[] {
  const received = Date.parse(receivedAt);
  const hour = new Date(Math.floor(received / HOUR_MS) * HOUR_MS).toISOString();
  const bySource = new Map<string, { event: AuditEvent; skewS: number; count: number }>();
  for (const event of events) {
    if (event.type === "codebase.commit") continue;
    const skewS = Math.round((Date.parse(event.occurred_at) - received) / 1000);
    const ahead = limits.future_s > 0 && skewS > limits.future_s;
    const behind = limits.past_s > 0 && -skewS > limits.past_s;
    if (!ahead && !behind) continue;
    const seen = bySource.get(sourceOf(event));
    if (seen) seen.count += 1;
    else bySource.set(sourceOf(event), { event, skewS, count: 1 });
  }
  return [...bySource].map(([source, { event, skewS, count }]) => ({
    finding_id: findingId(source, "clock-skew", hour),
    severity: severityOf("clock-skew"),
    title: `clock skew at ${source} (host ${event.host}): occurred_at ${skewS > 0 ? `${skewS} s ahead of` : `${-skewS} s behind`} receive time`,
    detail:
      `${count} event(s) in one batch were stamped beyond the limits (${limits.future_s} s ahead, ${limits.past_s} s behind; integrity.clock_skew). ` +
      "They are stored as sent, but views of recent time ranges will not show them: check the host's clock (NTP) or look for replayed events. " +
      `First: ${event.event_id} at ${event.occurred_at}. One finding per source per hour.`,
    env: event.env,
    host: event.host,
    service: event.service ?? "",
    actor_id: event.actor_id,
    // The receive hour, not the event's time: a stable key, and the finding shows in the hour it arrived.
    occurred_at: hour,
    event_ids: [event.event_id],
    status: "open",
  }));
}

const presentQuery = defineQuery({
  name: "integrity.findings_present",
  params: z.object({ ids: z.array(z.string()).min(1) }),
  row: z.object({ finding_id: z.string() }),
  sql: (t) => `SELECT DISTINCT finding_id FROM ${t.findings} WHERE detector = '${DETECTOR}' AND finding_id IN {ids:Array(String)}`,
});

/** Ids this process has written: a skewed collector costs one lookup per hour, not one per batch. */
const written = new Set<string>();
const WRITTEN_MAX = 10_000;

/**
 * Writes the findings not written before. An existing finding is never
 * rewritten: that would re-open one someone acknowledged.
 */
export async function recordWritePathFindings(store: Store, findings: readonly NewFinding[]): Promise<number> {
  const key = (id: string) => `${store.database}\0${id}`;
  const candidates = [...new Map(findings.filter((f) => !written.has(key(f.finding_id))).map((f) => [f.finding_id, f])).values()];
  if (candidates.length === 0) return 0;
  const present = new Set((await presentQuery(store, { ids: candidates.map((f) => f.finding_id) })).map((r) => r.finding_id));
  const now = new Date().toISOString();
  const rows = candidates
    .filter((f) => !present.has(f.finding_id))
    .map((f) => ({ ...f, detector: DETECTOR, created_at: now, updated_at: now, version: Date.now() }));
  await insertRows(store, { table: "findings", rows });
  if (written.size > WRITTEN_MAX) written.clear();
  for (const f of candidates) written.add(key(f.finding_id));
  return rows.length;
}

import type { Store } from "../store/open";
import { insertRows } from "../store/query";
import { findingRow, findingsByIdQuery, fingerprintOf, ruleFindingId, RULE_DETECTOR, type StoredFinding } from "./finding-rows";
import { MAX_EVIDENCE, type Rule } from "./rule";
import type { Hit } from "./run-rule";
import { suppressionFor, type Suppression } from "./suppressions";

export interface RecordResult {
  /** Findings seen for the first time and not suppressed: these are notified. */
  created: StoredFinding[];
  suppressed: number;
  /** Existing findings that gained evidence. */
  updated: number;
}

/**
 * Turns a rule's hits into findings. A hit whose fingerprint exists already
 * only adds evidence (bounded, MAX_EVIDENCE) and never changes the triage
 * state, the env or occurred_at (both in the sort key: a changed key would
 * be a second row instead of a new version).
 */
export async function recordFindings(store: Store, rule: Rule, hits: readonly Hit[], suppressions: readonly Suppression[], now = new Date()): Promise<RecordResult> {
  const result: RecordResult = { created: [], suppressed: 0, updated: 0 };
  if (hits.length === 0) return result;
  const ids = hits.map((h) => ruleFindingId(rule.id, h.group_key));
  const existing = new Map((await findingsByIdQuery(store, { ids })).map((f) => [f.finding_id, f]));
  const rows: StoredFinding[] = [];
  const seen = new Set<string>();
  hits.forEach((hit, i) => {
    const id = ids[i] ?? "";
    if (seen.has(id)) return;
    seen.add(id);
    const old = existing.get(id);
    const version = Math.max(now.getTime(), (old?.version ?? 0) + 1);
    if (old !== undefined) {
      const evidence = [...new Set([...old.event_ids, ...hit.event_ids])].slice(0, MAX_EVIDENCE);
      if (evidence.length === old.event_ids.length && old.title === hit.summary) return;
      rows.push({ ...old, title: hit.summary, event_ids: evidence, updated_at: now.toISOString(), version });
      result.updated += 1;
      return;
    }
    const silencer = suppressionFor({ rule_id: rule.id, actor_id: hit.actor_id, host: hit.host, source_ip: hit.source_ip }, suppressions);
    const row: StoredFinding = {
      finding_id: id,
      detector: RULE_DETECTOR,
      rule_id: rule.id,
      fingerprint: fingerprintOf(rule.id, hit.group_key),
      severity: rule.severity,
      title: hit.summary,
      detail: `${rule.title}. ${rule.description}`.trim(),
      env: hit.env,
      host: hit.host,
      service: "",
      actor_id: hit.actor_id,
      source_ip: hit.source_ip,
      occurred_at: hit.occurred_at,
      event_ids: hit.event_ids.slice(0, MAX_EVIDENCE),
      tags: rule.tags,
      status: silencer ? "suppressed" : "open",
      assignee: "",
      note: silencer ? `suppressed: ${silencer.reason}` : "",
      suppressed_by: silencer?.suppression_id ?? "",
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
      version,
    };
    rows.push(row);
    if (silencer) result.suppressed += 1;
    else result.created.push(row);
  });
  await insertRows(store, { table: "findings", rows: rows.map(findingRow) });
  return result;
}

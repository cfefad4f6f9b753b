import { z } from "zod";
import type { Store } from "../../store/open";
import { defineQuery, insertRows } from "../../store/query";
import { chTimeToIso } from "../../store/event-rows";
import type { Problem, ProblemKind } from "./problems";

/**
 * Integrity problems as rows of `findings` (detector "integrity"). Ids are
 * deterministic — `integrity:<collector>:<kind>:<seq>` — so any number of
 * workers verifying the same stream write the same rows, and the table's
 * ReplacingMergeTree(version) keeps one. A rewrite keeps the row's env and
 * occurred_at: they are in the sort key, and a changed key would be a second
 * row instead of a new version.
 */
export const DETECTOR = "integrity";

/** conflict and clock-skew come from the write path (ingest/integrity/write-path-findings.ts), not from a round. */
export type FindingKind = ProblemKind | "unregistered" | "conflict" | "clock-skew";
export type FindingStatus = "open" | "resolved";

const SEVERITY: Record<FindingKind, string> = {
  "bad-signature": "high",
  "bad-hash": "high",
  fork: "critical",
  gap: "medium",
  unsigned: "medium",
  uncovered: "medium",
  unregistered: "low",
  conflict: "high",
  "clock-skew": "low",
};

export interface FindingRow {
  finding_id: string;
  severity: string;
  title: string;
  detail: string;
  env: string;
  host: string;
  service: string;
  actor_id: string;
  occurred_at: string;
  event_ids: string[];
  status: string;
  created_at: string;
  version: number;
}

export function findingId(collectorId: string, kind: FindingKind, at: string | number): string {
  return `${DETECTOR}:${collectorId}:${kind}:${at}`;
}

const titles: Record<ProblemKind, (p: Problem) => string> = {
  "bad-signature": (p) => `bad signature at seq ${p.seq} from collector ${p.collectorId} (event ${p.event.event_id})`,
  "bad-hash": (p) => `altered hash field at seq ${p.seq} from collector ${p.collectorId} (event ${p.event.event_id})`,
  fork: (p) => `fork at seq ${p.seq} from collector ${p.collectorId}: two events claim one position`,
  gap: (p) => `events ${p.seq}..${p.gapEnd ?? p.seq} missing from collector ${p.collectorId}`,
  unsigned: (p) => `unsigned event from collector ${p.collectorId}, which has a registered key (event ${p.event.event_id})`,
  uncovered: (p) => `events ${p.seq}..${p.gapEnd ?? p.seq} from collector ${p.collectorId} not covered by a signed head`,
};

const details: Record<ProblemKind, string> = {
  "bad-signature": "The event's signed bytes changed after signing, or another key signed it. The event is stored unaltered; treat its content as untrusted.",
  "bad-hash": "The signature verifies but the event's hash field was altered. The event is stored unaltered.",
  fork: "Two different validly signed events claim the same position in the chain (or one does not link to its predecessor): a collector restored from an old state, a cloned key, or a replay.",
  gap: "Sequence numbers are missing: events were lost or are still in transit. The finding resolves itself when late events fill the gap.",
  unsigned: "A collector with a registered key sent an unsigned event: a misconfigured collector, or someone posting in its name.",
  uncovered:
    "These chained events carry no signature of their own and no later signed head vouches for them: the stream was cut after them (a truncated tail), their head was lost or withheld, or the collector signs less often than the verifier waits out. Their content is unverified. The finding resolves itself when a head covering them arrives.",
};

/** The finding for one problem (status open). */
export function problemFinding(p: Problem): Omit<FindingRow, "created_at" | "version"> {
  const at = p.kind === "unsigned" && p.seq < 0 ? p.event.event_id : p.seq;
  return {
    finding_id: findingId(p.collectorId, p.kind, at),
    severity: SEVERITY[p.kind],
    title: titles[p.kind](p),
    detail: details[p.kind],
    env: p.event.env,
    host: p.event.host,
    service: p.event.service ?? "",
    actor_id: p.event.actor_id,
    occurred_at: p.event.occurred_at,
    event_ids: [p.event.event_id, ...(p.conflicting ?? [])],
    status: "open",
  };
}

export function severityOf(kind: FindingKind): string {
  return SEVERITY[kind];
}

const rowSchema = z.object({
  finding_id: z.string(),
  severity: z.string(),
  title: z.string(),
  detail: z.string(),
  env: z.string(),
  host: z.string(),
  service: z.string(),
  actor_id: z.string(),
  occurred_at: z.string().transform(chTimeToIso),
  event_ids: z.array(z.string()),
  status: z.string(),
  created_at: z.string().transform(chTimeToIso),
  version: z.coerce.number(),
});

export const collectorFindingsQuery = defineQuery({
  name: "integrity.findings",
  params: z.object({ prefix: z.string().min(1) }),
  row: rowSchema,
  sql: (t) => `
    SELECT finding_id, severity, title, detail, env, host, service, actor_id, occurred_at, event_ids, status, created_at, version
    FROM ${t.findings} FINAL
    WHERE detector = '${DETECTOR}' AND startsWith(finding_id, {prefix:String})
    ORDER BY finding_id`,
});

/** This collector's integrity findings by id. */
export async function readFindings(store: Store, collectorId: string): Promise<Map<string, FindingRow>> {
  const rows = await collectorFindingsQuery(store, { prefix: `${DETECTOR}:${collectorId}:` });
  return new Map(rows.map((r) => [r.finding_id, r]));
}

const same = (a: Omit<FindingRow, "created_at" | "version">, b: FindingRow): boolean =>
  a.status === b.status && a.title === b.title && a.severity === b.severity && a.detail === b.detail && a.event_ids.join() === b.event_ids.join();

/**
 * Writes findings that are new or changed; unchanged ones are skipped, and
 * an existing finding keeps its status unless the job resolves it.
 * Returns how many rows were written.
 */
export async function upsertFindings(store: Store, findings: readonly Omit<FindingRow, "created_at" | "version">[], existing: Map<string, FindingRow>): Promise<number> {
  const now = new Date();
  const rows: Record<string, unknown>[] = [];
  const seen = new Set<string>();
  for (const f of findings) {
    if (seen.has(f.finding_id)) continue;
    seen.add(f.finding_id);
    const old = existing.get(f.finding_id);
    // Seeing a problem again never re-opens a finding someone closed or acknowledged; the job only resolves.
    const status = old === undefined || f.status === "resolved" ? f.status : old.status;
    const next = { ...f, status };
    if (old !== undefined && same(next, old)) continue;
    const row: FindingRow = {
      ...next,
      ...(old !== undefined ? { env: old.env, occurred_at: old.occurred_at } : {}),
      created_at: old?.created_at ?? now.toISOString(),
      // Newer than the row it replaces even within one millisecond.
      version: Math.max(now.getTime(), (old?.version ?? 0) + 1),
    };
    rows.push({ ...row, detector: DETECTOR, updated_at: now.toISOString() });
    existing.set(f.finding_id, row);
  }
  await insertRows(store, { table: "findings", rows });
  return rows.length;
}

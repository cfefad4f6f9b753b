import type { Logger } from "../../lib/log";
import type { AuditEvent } from "../../schemas";
import type { Store } from "../../store/open";
import { findingId, readFindings, severityOf, upsertFindings, type FindingRow } from "./findings";
import { recheckGaps } from "./gaps";
import { StreamVerifier, streamKeys, type VerifyKey } from "./keys";
import { checkAlone, emptyVerified, verifyInto, type Problem } from "./problems";
import { overdueLinks, resolvedUncovered } from "./uncovered";
import { MAX_UNSIGNED_RUN } from "../../collect/sign";
import { readPosition, writePosition } from "./positions";
import { readPage, seqConflictsQuery, stragglersQuery, unsignedDaysQuery } from "./stream";
import { problemFinding } from "./findings";

/**
 * One integrity round for one collector:
 *  1. forward: signed events from the position's seq on, in seq order, at
 *     most `batch` of them, through a ChainVerifier continuing at the tip;
 *  2. stragglers: events received since the watermark with a seq below the
 *     position — a late event (re-check the open gaps it falls in), a
 *     redelivery (nothing), or a second event for a verified seq (fork);
 *  3. unsigned events from this (registered) collector, one finding a day;
 *  4. findings written, then the position: a crash in between re-verifies,
 *     and rewriting the same deterministic findings is harmless.
 */
export interface RoundOptions {
  batch: number;
  /** Late inserts can carry a received_at up to this far behind the watermark (clock skew, in-flight batches). */
  lagMs: number;
  /** A chained event no signed head covers is a finding once received this long ago (see job.ts). */
  uncoveredAfterMs: number;
  log: Logger;
}

export interface RoundResult {
  collectorId: string;
  checked: number;
  ok: number;
  problems: Problem[];
  written: number;
  resolved: number;
  /** Of `ok`, events vouched for by a later head's signature rather than their own. */
  byHead: number;
  /** More events are waiting beyond this round's batch. */
  more: boolean;
}

export async function runCollectorRound(store: Store, collectorId: string, opts: RoundOptions): Promise<RoundResult> {
  const roundStart = Date.now();
  const result: RoundResult = { collectorId, checked: 0, ok: 0, byHead: 0, problems: [], written: 0, resolved: 0, more: false };
  const existing = await readFindings(store, collectorId);
  const keys = await streamKeys(store, collectorId);
  const unregisteredId = findingId(collectorId, "unregistered", 0);
  if (keys.length === 0) {
    const first = (await readPage(store, { collectorId, from: 0, limit: 1 })).events[0];
    if (first !== undefined) result.written += await upsertFindings(store, [unregisteredFinding(collectorId, first, "open")], existing);
    return result;
  }
  const findings: Omit<FindingRow, "created_at" | "version">[] = [];
  const wasUnregistered = existing.get(unregisteredId);
  if (wasUnregistered !== undefined && wasUnregistered.status === "open") findings.push({ ...wasUnregistered, status: "resolved" });
  const position = await readPosition(store, collectorId);

  // 1. forward
  const page = await readPage(store, { collectorId, from: position.nextSeq, limit: opts.batch });
  // A run of links longer than a page could never settle within one: give it up as uncovered instead of re-reading it for ever.
  const verifier = new StreamVerifier(keys, position, { maxRun: Math.min(MAX_UNSIGNED_RUN, Math.max(1, opts.batch - 1)) });
  const verified = emptyVerified();
  verifyInto(verifier, page.events, verified, new Map());
  result.more = page.next !== undefined;
  // Links past the trusted tip wait for their head: the position stays at the tip, so the next round reads them again.
  if (!result.more) verified.problems.push(...overdueLinks(verifier.pending(), verifier.state.nextSeq, roundStart - opts.uncoveredAfterMs));
  const covered = resolvedUncovered(collectorId, existing, position.nextSeq, verifier.state.nextSeq, verified.problems);
  findings.push(...covered);
  result.resolved += covered.length;

  // 2. stragglers
  const since = new Date(Math.max(0, Date.parse(position.watermark) - opts.lagMs)).toISOString();
  const stragglers = position.nextSeq > 0 ? await stragglersQuery(store, { collector_id: collectorId, below: position.nextSeq, since, limit: opts.batch }) : [];
  const late = await checkStragglers(store, keys, collectorId, stragglers);
  verified.problems.push(...late);
  const gaps = await recheckGaps(store, keys, collectorId, stragglers, existing, opts.batch);
  verified.problems.push(...gaps.problems);
  findings.push(...gaps.resolved);
  result.resolved += gaps.resolved.length;

  // 3. unsigned events (a registered collector signs everything)
  for (const day of await unsignedDaysQuery(store, { collector_id: collectorId, since })) {
    findings.push({
      finding_id: findingId(collectorId, "unsigned", day.day),
      severity: severityOf("unsigned"),
      title: `${day.events} unsigned event(s) on ${day.day} from collector ${collectorId}, which has a registered key`,
      detail: "A collector with a registered key sent events without seq/hash/sig: a misconfigured collector, or someone posting in its name. The events are stored unaltered; event_ids lists up to 20.",
      env: day.env,
      host: day.host,
      service: day.service,
      actor_id: "",
      occurred_at: `${day.day}T00:00:00.000Z`,
      event_ids: day.sample,
      status: "open",
    });
  }

  // 4. write
  findings.push(...verified.problems.map(problemFinding));
  result.written += await upsertFindings(store, findings, existing);
  const stragglersFull = stragglers.length >= opts.batch;
  const lastStraggler = stragglers.at(-1)?.received_at;
  // A full straggler batch continues from its last row next round (>= on
  // received_at re-reads that millisecond; rewriting findings is idempotent).
  const watermark = stragglersFull && lastStraggler !== undefined ? new Date(Date.parse(lastStraggler) + opts.lagMs).toISOString() : new Date(roundStart).toISOString();
  await writePosition(store, collectorId, { ...verifier.state, watermark });
  result.checked = verified.checked + stragglers.length;
  result.ok = verified.ok;
  result.byHead = verified.byHead;
  // A late event can be flagged both alone and in its gap's re-check: report it once.
  result.problems = [...new Map(verified.problems.map((p) => [`${p.kind}:${p.seq}:${p.event.event_id}`, p])).values()];
  opts.log.debug({ collector_id: collectorId, checked: result.checked, problems: result.problems.length, next_seq: verifier.state.nextSeq }, "integrity round");
  return result;
}

/** Late events alone: their own signature, and whether another event already holds their seq. */
async function checkStragglers(store: Store, keys: readonly VerifyKey[], collectorId: string, stragglers: readonly AuditEvent[]): Promise<Problem[]> {
  if (stragglers.length === 0) return [];
  const problems = checkAlone(keys, stragglers);
  const seqs = [...new Set(stragglers.map((e) => e.seq ?? 0))];
  const bySeq = new Map(stragglers.map((e) => [e.seq ?? 0, e]));
  for (const conflict of await seqConflictsQuery(store, { collector_id: collectorId, seqs })) {
    const event = bySeq.get(conflict.seq);
    if (event === undefined) continue;
    problems.push({ kind: "fork", collectorId, seq: conflict.seq, event, conflicting: conflict.event_ids.filter((id) => id !== event.event_id).sort() });
  }
  return problems;
}

function unregisteredFinding(collectorId: string, first: AuditEvent, status: "open" | "resolved"): Omit<FindingRow, "created_at" | "version"> {
  return {
    finding_id: findingId(collectorId, "unregistered", 0),
    severity: severityOf("unregistered"),
    title: `signed events from collector ${collectorId}, which has no registered key`,
    detail: "Its signatures cannot be checked until its public key is registered (POST /api/v1/collectors/register, or 'prodtrail collectors register'). The events are stored unaltered.",
    env: first.env,
    host: first.host,
    service: first.service ?? "",
    actor_id: "",
    occurred_at: first.occurred_at,
    event_ids: [first.event_id],
    status,
  };
}

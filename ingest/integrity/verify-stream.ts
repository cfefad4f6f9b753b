import type { Store } from "../../store/open";
import { StreamVerifier, streamKeys } from "./keys";
import { emptyVerified, verifyInto, type Problem } from "./problems";
import { readPage, unsignedDaysQuery } from "./stream";
import { GENESIS_HASH } from "../../collect/sign";
import { DEFAULT_UNCOVERED_AFTER_MS, overdueLinks } from "./uncovered";

/**
 * Verifies one collector's whole stored stream (or the part that occurred
 * since `since`) in seq order, page by page with one verifier, without
 * writing anything: what `prodtrail verify` prints. The stream starts at
 * seq 0, or with --since at the first stored event after it (whose link to
 * its predecessor is then taken on trust).
 */
export interface StreamReport {
  collectorId: string;
  /** The key verification starts with (active, else newest revoked); null: none ever registered, nothing could be checked. */
  key: string | null;
  checked: number;
  ok: number;
  /** Of `ok`, events vouched for by a later head's signature rather than their own (head signing). */
  byHead: number;
  /** Links past the last head, received within the grace time: their head is still expected. */
  awaitingHead: number;
  /** Links behind a break (a gap or a tampered event after them) that no head can vouch for; the problem next to them says why. */
  stranded: number;
  unsigned: number;
  problems: Problem[];
}

export async function verifyStream(
  store: Store,
  collectorId: string,
  opts: { since?: string; pageSize?: number; uncoveredAfterMs?: number; now?: number } = {},
): Promise<StreamReport> {
  const pageSize = opts.pageSize ?? 10_000;
  const keys = await streamKeys(store, collectorId);
  const report: StreamReport = { collectorId, key: keys[0]?.record.publicKey ?? null, checked: 0, ok: 0, byHead: 0, awaitingHead: 0, stranded: 0, unsigned: 0, problems: [] };
  if (keys.length === 0) return report;
  const verified = emptyVerified();
  const byHash = new Map<string, string>();
  let verifier: StreamVerifier | undefined;
  let from: number | undefined = 0;
  while (from !== undefined) {
    const page = await readPage(store, { collectorId, from, limit: pageSize, ...(opts.since !== undefined ? { since: opts.since } : {}) });
    const first = page.events[0];
    if (verifier === undefined && first !== undefined) {
      verifier = new StreamVerifier(keys, opts.since === undefined ? { nextSeq: 0, lastHash: GENESIS_HASH } : { nextSeq: first.seq ?? 0, lastHash: first.prev_hash ?? "" });
    }
    if (verifier !== undefined) verifyInto(verifier, page.events, verified, byHash);
    // The verifier remembers 10,000 seqs; bound the hash → event map the same way.
    if (byHash.size > 20_000) byHash.clear();
    from = page.next;
  }
  const pending = verifier?.pending() ?? [];
  const tipSeq = verifier?.state.nextSeq ?? 0;
  const overdue = overdueLinks(pending, tipSeq, (opts.now ?? Date.now()) - (opts.uncoveredAfterMs ?? DEFAULT_UNCOVERED_AFTER_MS));
  const tail = pending.filter((r) => (r.seq ?? -1) >= tipSeq).length;
  report.checked = verified.checked + pending.length;
  report.ok = verified.ok;
  report.byHead = verified.byHead;
  report.awaitingHead = overdue.length > 0 ? 0 : tail;
  report.stranded = pending.length - tail;
  report.problems = [...verified.problems, ...overdue];
  const days = await unsignedDaysQuery(store, { collector_id: collectorId, since: opts.since ?? "1970-01-01T00:00:00Z" });
  report.unsigned = days.reduce((n, d) => n + d.events, 0);
  return report;
}

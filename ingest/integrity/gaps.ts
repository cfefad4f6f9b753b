import { GENESIS_HASH, MAX_UNSIGNED_RUN } from "../../collect/sign";
import type { AuditEvent } from "../../schemas";
import type { Store } from "../../store/open";
import { DETECTOR, type FindingRow } from "./findings";
import { StreamVerifier, type VerifyKey } from "./keys";
import { emptyVerified, verifyInto, type Problem } from "./problems";
import { readPage } from "./stream";

/**
 * Gaps fill when late events arrive. An open gap finding (events A..B
 * missing) that a straggler falls into is verified again over A-1..B+1:
 * the late events must verify and link, and the event after the gap must
 * link to the last of them. What is still missing comes back as gap
 * problems (the one starting at A rewrites the finding with its new end);
 * when nothing starts at A any more, the finding is resolved.
 */
const GAP_TITLE = /^events (\d+)\.\.(\d+) missing/;

export interface OpenGap {
  finding: FindingRow;
  first: number;
  last: number;
}

export function openGaps(collectorId: string, existing: ReadonlyMap<string, FindingRow>): OpenGap[] {
  const prefix = `${DETECTOR}:${collectorId}:gap:`;
  const gaps: OpenGap[] = [];
  for (const finding of existing.values()) {
    if (!finding.finding_id.startsWith(prefix) || finding.status === "resolved") continue;
    const m = GAP_TITLE.exec(finding.title);
    if (m?.[1] === undefined || m[2] === undefined) continue;
    gaps.push({ finding, first: Number(m[1]), last: Number(m[2]) });
  }
  return gaps;
}

export async function recheckGaps(
  store: Store,
  keys: readonly VerifyKey[],
  collectorId: string,
  stragglers: readonly AuditEvent[],
  existing: ReadonlyMap<string, FindingRow>,
  batch: number,
): Promise<{ problems: Problem[]; resolved: FindingRow[] }> {
  const problems: Problem[] = [];
  const resolved: FindingRow[] = [];
  const lateSeqs = stragglers.map((e) => e.seq ?? -1);
  for (const gap of openGaps(collectorId, existing)) {
    if (!lateSeqs.some((s) => s >= gap.first && s <= gap.last)) continue;
    // Up to the first head at or after the gap's end: with head signing the late links and the
    // event after the gap are vouched for by that head (per-event data: the event after the gap is one).
    const page = await readPage(store, { collectorId, from: Math.max(0, gap.first - 1), to: gap.last + 1 + MAX_UNSIGNED_RUN, limit: batch });
    const headAt = page.events.findIndex((e) => (e.seq ?? -1) > gap.last && e.sig !== undefined);
    const window = headAt < 0 ? page.events : page.events.slice(0, headAt + 1);
    const inside = window.filter((e) => (e.seq ?? -1) >= gap.first);
    const before = page.events.find((e) => e.seq === gap.first - 1);
    // Without a stored predecessor the first late event's own prev_hash is the
    // only anchor: its link is then not checked, the rest of the run is.
    const lastHash = gap.first === 0 ? GENESIS_HASH : (before?.hash ?? inside[0]?.prev_hash ?? GENESIS_HASH);
    const verified = emptyVerified();
    const verifier = new StreamVerifier(keys, { nextSeq: gap.first, lastHash });
    verifyInto(verifier, inside, verified, new Map());
    problems.push(...verified.problems);
    // A truncated re-check (a gap wider than one batch), or late links no head vouches for yet, cannot say the gap is closed.
    if ((headAt < 0 && page.next !== undefined) || verifier.pending().some((r) => (r.seq ?? -1) <= gap.last + 1)) continue;
    if (!verified.problems.some((p) => p.kind === "gap" && p.seq === gap.first)) {
      resolved.push({
        ...gap.finding,
        status: "resolved",
        detail: `${gap.finding.detail} Resolved: the missing events arrived late, verify and link to their neighbours.`,
      });
    }
  }
  return { problems, resolved };
}

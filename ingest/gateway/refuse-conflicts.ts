import type { AuditEvent } from "../../schemas";
import type { Conflict } from "../../store/first-write";
import type { Store } from "../../store/open";
import { EventConflictError } from "../../store/refusals";
import type { Logger } from "../../lib/log";
import { conflictFinding, recordWritePathFindings } from "../integrity/write-path-findings";

/**
 * The gateway's answer to conflicting copies: record one integrity finding
 * per copy, then reject the batch (the handler answers 409 naming them).
 * The refusal stands even if recording fails: that is logged, the 409 still
 * goes out, and the stored original was never at risk.
 */
export async function refuseConflicts(store: Store, events: readonly AuditEvent[], conflicts: readonly Conflict[], log: Logger): Promise<never> {
  const findings = conflicts.flatMap((c) => {
    const offered = events[c.index];
    return offered ? [conflictFinding(c, offered)] : [];
  });
  await recordWritePathFindings(store, findings).catch((err: unknown) => log.error({ err }, "conflict findings not recorded"));
  throw new EventConflictError(conflicts);
}

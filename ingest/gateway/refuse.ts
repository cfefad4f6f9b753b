import type { IncomingMessage, ServerResponse } from "node:http";
import type { FieldIssue } from "../../schemas";
import type { RefusalKind, RefusalRecorder } from "../auth/refusals";
import { sendError } from "./respond";

export interface RejectedWrite {
  index: number;
  event_id?: string;
  issues: FieldIssue[];
}

/**
 * A 403 for a batch refused for who wrote it (not for its shape): every
 * offending event named by index and field, nothing stored, and the
 * attempt recorded as a bounded integrity finding.
 */
export function refuseWrite(
  req: IncomingMessage,
  res: ServerResponse,
  refusal: { kind: RefusalKind; writer: string; lead: string; rejected: readonly RejectedWrite[]; host?: string; recorder?: RefusalRecorder },
): void {
  const first = refusal.rejected[0]?.issues[0];
  const detail = first ? `${first.field}: ${first.message}` : refusal.kind;
  refusal.recorder?.record({
    kind: refusal.kind,
    writer: refusal.writer,
    detail,
    eventIds: refusal.rejected.flatMap((r) => (r.event_id !== undefined ? [r.event_id] : [])),
    ...(refusal.host !== undefined ? { host: refusal.host } : {}),
    ...(req.socket.remoteAddress ? { remote: req.socket.remoteAddress } : {}),
  });
  sendError(res, 403, `${refusal.lead}; ${refusal.rejected.length} event(s) refused, nothing of this batch was stored; first: ${detail}`, { rejected: refusal.rejected });
}

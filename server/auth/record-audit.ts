import { createLogger } from "../../lib/log";
import type { Viewer } from "../../dashboard/lib/auth/permissions";
import { buildAuditEvent, type AuditInput } from "./audit-event";
import { sharedAuthRuntime } from "./runtime";

/**
 * Publishes one audit.view event through the auth runtime's sink and
 * resolves once it is durable. Here, not in dashboard/lib/audit.ts, so the
 * routes `prodtrail serve` answers itself (GET /api/v1/counts) record their
 * views the same way the Next pages do; the dashboard re-exports it.
 */
const log = createLogger("prodtrail-audit");

export class AuditUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`the audit record of this request could not be written, so it was not served: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "AuditUnavailableError";
  }
}

export async function recordAudit(viewer: Viewer, input: AuditInput): Promise<void> {
  const event = buildAuditEvent(viewer, input);
  try {
    await sharedAuthRuntime().sink.publish([event]);
  } catch (error) {
    log.error({ err: error, resource: input.resource, action: input.action, actor: viewer.email }, "audit: publishing the audit.view event failed");
    throw new AuditUnavailableError(error);
  }
}

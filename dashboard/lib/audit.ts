/**
 * Every page view, search and export is itself an audit event.
 *
 *   recordAudit(viewer: Viewer, input: {
 *     action: "view" | "search" | "export" | "admin",
 *     resource: string,                   // the path: "/events", "/api/export/events"
 *     params?: Record<string, string>,    // the filters, export format, admin change
 *   }): Promise<void>
 *
 * Publishes one `audit.view` event (channel dashboard, actor = viewer email,
 * attribution dashboard-session, session_id = the dashboard session, env
 * prodtrail, host = this server) through the same Sink as the gateway, so it
 * is validated and stored like any collector's event and appears in the
 * explorer. Resolves once the sink says the event is durable; rejects with
 * AuditUnavailableError otherwise — an export whose audit record could not
 * be written should not be served.
 */
import "server-only";
import type { AuditInput } from "../../server/auth/audit-event";
import { buildAuditEvent } from "../../server/auth/audit-event";
import { sharedAuthRuntime } from "../../server/auth/runtime";
import type { Viewer } from "./auth/permissions";
import { log } from "./log";

export type { AuditAction, AuditInput } from "../../server/auth/audit-event";

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

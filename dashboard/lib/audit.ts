/**
 * Every page view, search and export is itself an audit event.
 *
 *   recordAudit(viewer: Viewer, input: {
 *     action: "view" | "search" | "export" | "admin",
 *     resource: string,                   // the path: "/events", "/api/export/events"
 *     params?: Record<string, string>,    // the filters, export format, admin change, event id
 *     refused?: string,                   // why the request was refused (403 pages and exports)
 *   }): Promise<void>
 *
 * Publishes one `audit.view` event (channel dashboard, actor = viewer email,
 * attribution dashboard-session, session_id = the dashboard session, env
 * prodtrail, host = this server) through the auth runtime's sink, so it is
 * validated and stored like any event and appears in the explorer. Resolves
 * once the sink says the event is durable; rejects with
 * AuditUnavailableError otherwise — an export whose audit record could not
 * be written should not be served. The implementation is
 * server/auth/record-audit.ts, shared with the routes serve answers itself.
 */
import "server-only";

export type { AuditAction, AuditInput } from "../../server/auth/audit-event";
export { AuditUnavailableError, recordAudit } from "../../server/auth/record-audit";

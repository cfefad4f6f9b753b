import { StoreError } from "../../store/errors";
import { AuditUnavailableError } from "../../server/auth/record-audit";
import { StoreUnavailableError } from "../../server/global-store";

/**
 * What a page may say about an error. Never the store's own message:
 * ClickHouse quotes the failing query in it (issue #9 found SQL on error
 * pages), and a query names tables, columns and the values searched. The
 * query's name and id find the full message in the server log, which has it.
 */
export function publicErrorText(error: unknown): string {
  if (error instanceof StoreError) {
    const code = error.context.code ? ` (ClickHouse error ${error.context.code})` : "";
    const ref = error.context.queryId ?? error.context.query ?? error.context.table ?? "";
    return `a store ${error.context.query ? `query (${error.context.query})` : "operation"} failed${code}${ref ? `; reference ${ref} in the server log` : ""}.`;
  }
  if (error instanceof AuditUnavailableError) return "the audit record of this request could not be written, so it was not served; the server log says why.";
  // Written by this project for people: how the dashboard was started, nothing from the store.
  if (error instanceof StoreUnavailableError) return error.message;
  return "an unexpected error; the server log has the details.";
}

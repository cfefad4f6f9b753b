import "server-only";
import { forbidden } from "next/navigation";
import type { ReactNode } from "react";
import { recordAudit } from "../../lib/audit";
import { pageRefusal } from "../../lib/auth/page-access";
import type { Viewer } from "../../lib/auth/permissions";
import { requireViewer } from "../../lib/auth/session";
import { parseFilters, single, type RawSearchParams } from "../../lib/filters/parse";
import type { FilterIssue, Filters } from "../../lib/filters/schema";
import { filtersForAudit } from "../../lib/filters/url";
import { log } from "../../lib/log";
import { publicErrorText } from "../../lib/public-error";
import { getStore } from "../../lib/store";
import type { Store } from "../../../store/open";

export type SearchParams = Promise<RawSearchParams>;

export type PageContext =
  | { ok: true; viewer: Viewer; store: Store; filters: Filters; issues: FilterIssue[]; raw: RawSearchParams }
  | { ok: false; error: ReactNode };

/**
 * What every page does first: who is asking (redirects to /signin when
 * nobody), which filters the URL holds, whether this role may open this
 * page with them (403 through app/forbidden.tsx when not), and the audit
 * record of this view — a search when there is a query, with the event id
 * when the detail drawer is open, marked refused when it was. A view whose
 * audit record cannot be written is not served: the trail of who looked at
 * what must be complete.
 */
export async function pageContext(resource: string, searchParams: SearchParams, options: { defaultRange?: string } = {}): Promise<PageContext> {
  const viewer = await requireViewer();
  const given = await searchParams;
  // A page whose natural window is longer (trends) starts there when the URL names no window.
  const raw = options.defaultRange && !given.range && !given.from && !given.to ? { ...given, range: options.defaultRange } : given;
  const { filters, issues } = parseFilters(raw);
  const eventId = single(raw, "event") ?? "";
  const params = { ...filtersForAudit(filters), ...(eventId !== "" ? { event: eventId.slice(0, 128) } : {}) };
  const refusal = pageRefusal(viewer, resource, filters);
  try {
    const store = getStore();
    await recordAudit(viewer, { action: filters.q !== "" ? "search" : "view", resource, params, ...(refusal ? { refused: refusal.message } : {}) });
    if (!refusal) return { ok: true, viewer, store, filters, issues, raw };
  } catch (error) {
    log.error({ err: error, resource }, "page: cannot serve");
    if (!refusal) return { ok: false, error: <StoreNotice error={error} /> };
  }
  log.info({ actor: viewer.email, role: viewer.role, resource, reason: refusal.message }, "page refused");
  forbidden();
}

function StoreNotice({ error }: { error: unknown }) {
  return (
    <div className="notice error" role="alert">
      <strong>The store could not be read.</strong> {publicErrorText(error)}
      <br />
      Check the server log; <a href="/api/health">/api/health</a> says whether the store is up.
    </div>
  );
}

/** A path segment as the user wrote it; a stray `%` is kept literally rather than crashing the page. */
export function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

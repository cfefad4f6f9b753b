import "server-only";
import type { ReactNode } from "react";
import { recordAudit } from "../../lib/audit";
import type { Viewer } from "../../lib/auth/permissions";
import { requireViewer } from "../../lib/auth/session";
import { parseFilters, type RawSearchParams } from "../../lib/filters/parse";
import type { FilterIssue, Filters } from "../../lib/filters/schema";
import { filtersForAudit } from "../../lib/filters/url";
import { log } from "../../lib/log";
import { getStore } from "../../lib/store";
import type { Store } from "../../../store/open";

export type SearchParams = Promise<RawSearchParams>;

export type PageContext =
  | { ok: true; viewer: Viewer; store: Store; filters: Filters; issues: FilterIssue[]; raw: RawSearchParams }
  | { ok: false; error: ReactNode };

/**
 * What every page does first: who is asking (redirects to /signin when
 * nobody), which filters the URL holds, and the audit record of this view
 * (a search when there is a query). A view whose audit record cannot be
 * written is not served: the trail of who looked at what must be complete.
 */
export async function pageContext(resource: string, searchParams: SearchParams, options: { defaultRange?: string } = {}): Promise<PageContext> {
  const viewer = await requireViewer();
  const given = await searchParams;
  // A page whose natural window is longer (trends) starts there when the URL names no window.
  const raw = options.defaultRange && !given.range && !given.from && !given.to ? { ...given, range: options.defaultRange } : given;
  const { filters, issues } = parseFilters(raw);
  try {
    const store = getStore();
    await recordAudit(viewer, { action: filters.q !== "" ? "search" : "view", resource, params: filtersForAudit(filters) });
    return { ok: true, viewer, store, filters, issues, raw };
  } catch (error) {
    log.error({ err: error, resource }, "page: cannot serve");
    return {
      ok: false,
      error: (
        <div className="notice error" role="alert">
          <strong>The store could not be read.</strong> {error instanceof Error ? error.message : String(error)}
          <br />
          Check the server log; <a href="/api/health">/api/health</a> says whether the store is up.
        </div>
      ),
    };
  }
}

/** A path segment as the user wrote it; a stray `%` is kept literally rather than crashing the page. */
export function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

import { headers } from "next/headers";
import { ForbiddenNotice } from "../lib/auth/forbidden-notice";
import { FilterForbiddenError } from "../lib/auth/permissions";
import { PATH_HEADER } from "../lib/auth/next-path";
import { pageRefusal } from "../lib/auth/page-access";
import { getViewer } from "../lib/auth/session";
import { parseFilters } from "../lib/filters/parse";

/**
 * The 403 page (Next's forbidden() with experimental.authInterrupts). It
 * gets no props, so it works out the reason again from the request: the
 * same pageRefusal the page called, on the path and query proxy.ts stamped.
 */
export default async function Forbidden() {
  const [viewer, h] = await Promise.all([getViewer(), headers()]);
  const url = new URL(h.get(PATH_HEADER) ?? "/", "http://dashboard.invalid");
  const refusal = viewer ? pageRefusal(viewer, url.pathname, parseFilters(Object.fromEntries(url.searchParams)).filters) : undefined;
  if (!refusal) {
    return (
      <div className="notice error" role="alert" data-testid="forbidden">
        <strong>Not available to your role.</strong> An admin can change your role on the Admin page.
      </div>
    );
  }
  const withoutFilter = refusal instanceof FilterForbiddenError ? without(url, refusal.filter) : undefined;
  return <ForbiddenNotice error={refusal} withoutFilter={withoutFilter} />;
}

function without(url: URL, filter: string): string {
  const params = new URLSearchParams(url.searchParams);
  params.delete(filter);
  const qs = params.toString();
  return qs === "" ? url.pathname : `${url.pathname}?${qs}`;
}

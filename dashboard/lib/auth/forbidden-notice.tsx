import Link from "next/link";
import { FilterForbiddenError, PERMISSIONS, type ForbiddenError } from "./permissions";

/**
 * What a signed-in person sees on a page their role does not open (served
 * with status 403 through app/forbidden.tsx): which permission is missing,
 * who has it, and — for a filter the role may not use — the same page
 * without it.
 */
export function ForbiddenNotice({ error, withoutFilter }: { error: ForbiddenError; withoutFilter?: string }) {
  const roles = PERMISSIONS[error.permission].join(" or ");
  return (
    <div className="notice error" role="alert" data-testid="forbidden">
      <strong>Not available to your role.</strong> {error.viewer.email} is signed in as <code>{error.viewer.role}</code>
      {error instanceof FilterForbiddenError ? (
        <>
          , which may not search or filter by <code>{error.filter}</code>: what a role may not read, it may not search or count by either. That needs <code>{error.permission}</code> ({roles}).
          {withoutFilter ? <> <Link href={withoutFilter}>Open this page without the {error.filter} filter</Link>.</> : null}
        </>
      ) : (
        <>
          , and this page needs <code>{error.permission}</code> ({roles}). An admin can change your role on the Admin page.
        </>
      )}
    </div>
  );
}

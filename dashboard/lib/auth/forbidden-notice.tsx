import type { ForbiddenError } from "./permissions";

/**
 * What a signed-in person sees on a page their role does not open: which
 * permission is missing and who grants it. (A real 403 status needs Next's
 * experimental authInterrupts + forbidden(); until then pages render this.)
 */
export function ForbiddenNotice({ error }: { error: ForbiddenError }) {
  return (
    <div className="notice error" role="alert" data-testid="forbidden">
      <strong>Not available to your role.</strong> {error.viewer.email} is signed in as <code>{error.viewer.role}</code>, and this page
      needs <code>{error.permission}</code>. An admin can change your role on the Admin page.
    </div>
  );
}

import type { ReactNode } from "react";
import { FilterForbiddenError, ForbiddenError } from "../lib/auth/permissions";
import { log } from "../lib/log";
import { PanelError } from "./panel";

/**
 * Runs one panel's data function inside its Suspense boundary and renders
 * the result; a failure stays inside the panel (the rest of the page still
 * works) and says what happened. ForbiddenError is not a failure: the panel
 * says which role can see it, or which filter its role may not use.
 */
export async function Load<T>({ load, children, name }: { load: () => Promise<T>; children: (data: T) => ReactNode; name: string }) {
  let data: T;
  try {
    data = await load();
  } catch (error) {
    if (error instanceof FilterForbiddenError) {
      return (
        <div className="notice error" data-testid="forbidden">
          Your role ({error.viewer.role}) may not search or filter by <code>{error.filter}</code>; this panel is not shown with it. That needs <code>{error.permission}</code> (analyst or admin).
        </div>
      );
    }
    if (error instanceof ForbiddenError) {
      return (
        <div className="notice empty" data-testid="forbidden">
          Your role ({error.viewer.role}) sees aggregates only; this panel needs <code>{error.permission}</code> (analyst or admin).
        </div>
      );
    }
    log.error({ err: error, panel: name }, "panel failed");
    return <PanelError error={error} />;
  }
  return <>{children(data)}</>;
}

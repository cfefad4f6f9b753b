import { assertCan, assertMayFilter, ForbiddenError, type Permission, type Viewer } from "./permissions";
import type { Filters } from "../filters/schema";

/**
 * Which permission each page needs to open at all, by path. A page whose
 * main content a role may not read answers 403 (issue #9: they answered 200
 * with a notice), with the reason; the data layer still checks every panel.
 * Overview and trends need only aggregates:read, but refuse the filters a
 * role may not use (permissions.ts FILTER_PERMISSIONS).
 */
const PAGE_PERMISSIONS: ReadonlyArray<readonly [RegExp, Permission]> = [
  [/^\/events(\/|$)/, "events:read"],
  [/^\/timeline(\/|$)/, "timeline:read"],
  [/^\/actors\//, "profiles:read"],
  [/^\/hosts\//, "profiles:read"],
  [/^\/drift(\/|$)/, "drift:read"],
  [/^\/admin(\/|$)/, "admin:manage"],
];

export function pagePermission(path: string): Permission {
  return PAGE_PERMISSIONS.find(([pattern]) => pattern.test(path))?.[1] ?? "aggregates:read";
}

/** Why this viewer may not open this page with these filters, or undefined when it may. */
export function pageRefusal(viewer: Viewer, path: string, filters: Pick<Filters, "q" | "actor" | "host">): ForbiddenError | undefined {
  try {
    assertCan(viewer, pagePermission(path));
    assertMayFilter(viewer, filters);
    return undefined;
  } catch (error) {
    if (error instanceof ForbiddenError) return error;
    throw error;
  }
}

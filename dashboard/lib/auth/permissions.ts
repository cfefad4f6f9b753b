/**
 * Who may do what. Checked in the data layer (every function under
 * dashboard/lib/data takes the Viewer and calls assertCan first), so no
 * page, route handler, server action or export can reach data by a path
 * that forgot a check in middleware.
 *
 *  viewer  — aggregates and trends only: counts, charts, no command lines,
 *            raw lines or individual events.
 *  analyst — events, timelines, profiles, exports.
 *  admin   — everything, plus users, collector keys and settings.
 */
export const ROLES = ["viewer", "analyst", "admin"] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = {
  "aggregates:read": ["viewer", "analyst", "admin"],
  "events:read": ["analyst", "admin"],
  "events:export": ["analyst", "admin"],
  "timeline:read": ["analyst", "admin"],
  "profiles:read": ["analyst", "admin"],
  "drift:read": ["analyst", "admin"],
  "drift:accept": ["admin"],
  "admin:manage": ["admin"],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;

/** The signed-in person a request acts for. */
export interface Viewer {
  userId: string;
  email: string;
  name: string;
  role: Role;
  /** The dashboard session (audit.view events carry it). */
  sessionId: string;
}

export class ForbiddenError extends Error {
  constructor(
    readonly viewer: Pick<Viewer, "email" | "role">,
    readonly permission: Permission,
  ) {
    super(`${viewer.email} (${viewer.role}) may not ${permission}`);
    this.name = "ForbiddenError";
  }
}

export function can(viewer: Pick<Viewer, "role">, permission: Permission): boolean {
  const allowed: readonly Role[] = PERMISSIONS[permission];
  return allowed.includes(viewer.role);
}

export function assertCan(viewer: Viewer, permission: Permission): void {
  if (!can(viewer, permission)) throw new ForbiddenError(viewer, permission);
}

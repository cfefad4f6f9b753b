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
  "findings:read": ["analyst", "admin"],
  "findings:triage": ["analyst", "admin"],
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
    /** What was refused, when it is more than the permission itself ("search or filter by q"). */
    readonly what: string = permission,
  ) {
    super(`${viewer.email} (${viewer.role}) may not ${what}${what === permission ? "" : ` (it needs ${permission}: ${rolesWith(permission)})`}`);
    this.name = "ForbiddenError";
  }
}

const rolesWith = (permission: Permission) => PERMISSIONS[permission].join(" or ");

/**
 * What a role may not read, it may not search, filter or count by either
 * (issue #9: a viewer recovered a planted password from command lines in
 * 137 requests of "N events match" with q=). `q` searches command lines,
 * paths and ids, which only events:read shows; `actor` and `host` narrow an
 * aggregate to one person or machine, which is that one's profile. A
 * viewer's aggregates keep the daily rollup's dimensions: time, env,
 * service, team, channel, type.
 */
export const GUARDED_FILTERS = ["q", "actor", "host"] as const;
export type GuardedFilter = (typeof GUARDED_FILTERS)[number];
export const FILTER_PERMISSIONS: Readonly<Record<GuardedFilter, Permission>> = { q: "events:read", actor: "profiles:read", host: "profiles:read" };
const isGuarded = (field: string): field is GuardedFilter => (GUARDED_FILTERS as readonly string[]).includes(field);

export class FilterForbiddenError extends ForbiddenError {
  constructor(
    viewer: Pick<Viewer, "email" | "role">,
    readonly filter: GuardedFilter,
  ) {
    super(viewer, FILTER_PERMISSIONS[filter], `search or filter by ${filter}`);
    this.name = "FilterForbiddenError";
  }
}

/** The guarded filters a request sets: a non-empty `q`, or any actor or host. */
type GuardedValues = { q: string; actor: readonly string[]; host: readonly string[] };
const isSet = (filters: GuardedValues, filter: GuardedFilter) => (filter === "q" ? filters.q !== "" : filters[filter].length > 0);

/** Throws FilterForbiddenError for the first guarded filter this viewer sets but may not use. */
export function assertMayFilter(viewer: Viewer, filters: GuardedValues): void {
  for (const filter of GUARDED_FILTERS) {
    if (isSet(filters, filter) && !can(viewer, FILTER_PERMISSIONS[filter])) throw new FilterForbiddenError(viewer, filter);
  }
}

/** The filters this viewer may use, for hiding the others in the filter bar. */
export function usableFilters<F extends string>(viewer: Pick<Viewer, "role">, fields: readonly F[]): F[] {
  return fields.filter((f) => !isGuarded(f) || can(viewer, FILTER_PERMISSIONS[f]));
}

/** The data layer's gate: the permission, then every guarded filter. */
export function authorize(viewer: Viewer, permission: Permission, filters?: GuardedValues): void {
  assertCan(viewer, permission);
  if (filters) assertMayFilter(viewer, filters);
}

export function can(viewer: Pick<Viewer, "role">, permission: Permission): boolean {
  const allowed: readonly Role[] = PERMISSIONS[permission];
  return allowed.includes(viewer.role);
}

export function assertCan(viewer: Viewer, permission: Permission): void {
  if (!can(viewer, permission)) throw new ForbiddenError(viewer, permission);
}

/**
 * Closed vocabularies of the v1 envelope. Adding a value is a compatible
 * change; renaming or removing one needs schema_version 2.
 */
export const EVENT_TYPES = [
  "access.login",
  "access.login_failed",
  "access.logout",
  "access.privilege",
  "access.exec",
  "access.grant",
  "change.file",
  "change.package",
  "change.k8s",
  "change.db",
  "codebase.commit",
  "deploy.release",
  "audit.view",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const CATEGORIES = ["access", "change", "codebase", "deploy", "audit"] as const;
export type Category = (typeof CATEGORIES)[number];

/** The category is the type's prefix; kept as its own column for cheap grouping. */
export function categoryOf(type: EventType): Category {
  const prefix = type.slice(0, type.indexOf("."));
  const found = CATEGORIES.find((c) => c === prefix);
  if (!found) throw new Error(`event type ${type} has no category`);
  return found;
}

export const ACTOR_KINDS = ["human", "service", "unknown"] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

export const ATTRIBUTION_METHODS = [
  "auth-log",
  "auid",
  "k8s-user",
  "vault-entity",
  "session-inferred",
  "git-author",
  "ci-identity",
  "dashboard-session",
  "none",
] as const;
export type AttributionMethod = (typeof ATTRIBUTION_METHODS)[number];

export const CHANNELS = [
  "ssh",
  "sudo",
  "su",
  "console",
  "kubectl",
  "db-console",
  "ci-deploy",
  "config-mgmt",
  "break-glass",
  "vault",
  "web-console",
  "git",
  "dashboard",
  "unknown",
] as const;
export type Channel = (typeof CHANNELS)[number];

export const OUTCOMES = ["success", "failure", "unknown"] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const SEVERITIES = ["info", "low", "medium", "high", "critical"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const FILE_OPS = ["create", "modify", "delete", "chmod", "rename"] as const;
export type FileOp = (typeof FILE_OPS)[number];

/** reinstall: dpkg's `upgrade P X X` — the same version put back, which is neither an install nor an upgrade. */
export const PACKAGE_OPS = ["install", "upgrade", "downgrade", "remove", "purge", "reinstall"] as const;
export type PackageOp = (typeof PACKAGE_OPS)[number];

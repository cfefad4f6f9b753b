import { z } from "zod";
import { createApiKey, listApiKeys, revokeApiKey, KEY_SCOPES, type ApiKeyInfo } from "../../../ingest/auth/api-keys";
import { buildAuditEvent, type AuditInput } from "../../../server/auth/audit-event";
import { sharedAuthRuntime } from "../../../server/auth/runtime";
import { revokeUserSessions } from "../../../server/auth/sessions";
import { createUser, findUserById, listUsers, updateUser, UserNotFoundError, type User } from "../../../server/auth/users";
import type { Store } from "../../../store/open";
import { assertCan, ROLES, type Role, type Viewer } from "./permissions";

/**
 * The admin data layer: users and collector API keys. Every function checks
 * `admin:manage` first, so neither the /admin page, its server actions nor
 * any future route can reach these without it, and every change publishes
 * an audit event (action "admin") through the pipeline's Sink before it
 * returns. Password hashes never leave this module.
 */
export type AdminUser = Omit<User, "passwordHash"> & { hasPassword: boolean };

export class AdminRuleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AdminRuleError";
  }
}

const toAdminUser = ({ passwordHash, ...rest }: User): AdminUser => ({ ...rest, hasPassword: passwordHash !== "" });

async function audit(viewer: Viewer, input: Omit<AuditInput, "action">): Promise<void> {
  await sharedAuthRuntime().sink.publish([buildAuditEvent(viewer, { action: "admin", ...input })]);
}

export async function adminListUsers(viewer: Viewer, store: Store): Promise<AdminUser[]> {
  assertCan(viewer, "admin:manage");
  return (await listUsers(store)).map(toAdminUser);
}

export const newUserSchema = z.object({
  email: z.string().min(1, { message: "email is required" }),
  name: z.string().max(256).default(""),
  role: z.enum(ROLES, { message: `role must be one of ${ROLES.join(", ")}` }),
  /** Empty: the user can only sign in through OpenID Connect. */
  password: z.string().default(""),
});

export async function adminCreateUser(viewer: Viewer, store: Store, input: z.input<typeof newUserSchema>): Promise<AdminUser> {
  assertCan(viewer, "admin:manage");
  const { email, name, role, password } = newUserSchema.parse(input);
  const user = await createUser(store, { email, name, role, ...(password !== "" ? { password } : {}), createdBy: viewer.email });
  await audit(viewer, { resource: "/admin/users", params: { op: "create-user", user: user.email, role } });
  return toAdminUser(user);
}

/** Refuses a change that would leave no enabled admin: nobody could manage users any more. */
async function keepAnAdmin(store: Store, target: User, next: { role: Role; disabled: boolean }): Promise<void> {
  const losesAdmin = target.role === "admin" && !target.disabled && (next.role !== "admin" || next.disabled);
  if (!losesAdmin) return;
  const others = (await listUsers(store)).filter((u) => u.role === "admin" && !u.disabled && u.userId !== target.userId);
  if (others.length === 0) throw new AdminRuleError(`${target.email} is the last enabled admin; make someone else admin first`);
}

async function target(store: Store, userId: string): Promise<User> {
  const user = await findUserById(store, userId);
  if (!user) throw new UserNotFoundError(userId);
  return user;
}

export async function adminSetRole(viewer: Viewer, store: Store, userId: string, role: Role): Promise<AdminUser> {
  assertCan(viewer, "admin:manage");
  const parsedRole = z.enum(ROLES).parse(role);
  const user = await target(store, userId);
  await keepAnAdmin(store, user, { role: parsedRole, disabled: user.disabled });
  const updated = await updateUser(store, userId, { role: parsedRole }, viewer.email);
  await audit(viewer, { resource: "/admin/users", params: { op: "set-role", user: user.email, from: user.role, to: parsedRole } });
  return toAdminUser(updated);
}

/** Disabling also ends the user's sessions at once (the session check refuses disabled users too). */
export async function adminSetDisabled(viewer: Viewer, store: Store, userId: string, disabled: boolean): Promise<AdminUser> {
  assertCan(viewer, "admin:manage");
  const user = await target(store, userId);
  await keepAnAdmin(store, user, { role: user.role, disabled });
  const updated = await updateUser(store, userId, { disabled }, viewer.email);
  const ended = disabled ? await revokeUserSessions(store, userId) : 0;
  await audit(viewer, { resource: "/admin/users", params: { op: disabled ? "disable-user" : "enable-user", user: user.email, sessions_ended: String(ended) } });
  return toAdminUser(updated);
}

/** Sets a new password (the user's sessions end: whoever knew the old one is signed out). */
export async function adminSetPassword(viewer: Viewer, store: Store, userId: string, password: string): Promise<AdminUser> {
  assertCan(viewer, "admin:manage");
  const user = await target(store, userId);
  const updated = await updateUser(store, userId, { password }, viewer.email);
  const ended = await revokeUserSessions(store, userId);
  await audit(viewer, { resource: "/admin/users", params: { op: "set-password", user: user.email, sessions_ended: String(ended) } });
  return toAdminUser(updated);
}

/** Signs a user out everywhere, e.g. after a lost laptop. Returns how many sessions ended. */
export async function adminEndSessions(viewer: Viewer, store: Store, userId: string): Promise<number> {
  assertCan(viewer, "admin:manage");
  const user = await target(store, userId);
  const ended = await revokeUserSessions(store, userId);
  await audit(viewer, { resource: "/admin/users", params: { op: "end-sessions", user: user.email, sessions_ended: String(ended) } });
  return ended;
}

export async function adminListKeys(viewer: Viewer, store: Store): Promise<ApiKeyInfo[]> {
  assertCan(viewer, "admin:manage");
  return listApiKeys(store);
}

export const newKeySchema = z.object({
  name: z.string().trim().min(1, { message: "a key needs a name, e.g. the collector's host" }).max(128),
  scopes: z.array(z.enum(KEY_SCOPES, { message: `scopes are ${KEY_SCOPES.join(", ")}` })).min(1).default(["events:write"]),
});

/** The token is returned once, for the page to show once; only its hash is stored. */
export async function adminCreateKey(viewer: Viewer, store: Store, input: { name: string; scopes?: readonly string[] }): Promise<{ token: string; info: ApiKeyInfo }> {
  assertCan(viewer, "admin:manage");
  const { name, scopes } = newKeySchema.parse(input);
  const created = await createApiKey(store, { name, scopes, createdBy: viewer.email });
  await audit(viewer, { resource: "/admin/keys", params: { op: "create-key", key_id: created.info.keyId, name, scopes: scopes.join(",") } });
  return created;
}

export async function adminRevokeKey(viewer: Viewer, store: Store, keyId: string): Promise<ApiKeyInfo> {
  assertCan(viewer, "admin:manage");
  const revoked = await revokeApiKey(store, keyId, viewer.email);
  await audit(viewer, { resource: "/admin/keys", params: { op: "revoke-key", key_id: keyId, name: revoked.name } });
  return revoked;
}

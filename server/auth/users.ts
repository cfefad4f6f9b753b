import { randomBytes } from "node:crypto";
import { z } from "zod";
import { ROLES, type Role } from "../../dashboard/lib/auth/permissions";
import { chTimeToIso } from "../../store/event-rows";
import type { Store } from "../../store/open";
import { defineQuery, insertRows } from "../../store/query";
import { hashPassword } from "./password";

/**
 * Dashboard users in the store (table `users`, migration 0008). Writes append
 * a new version of the whole row; reads use FINAL. Nothing here checks who
 * asks: the admin data functions (dashboard/lib/auth/admin.ts) call assertCan
 * first, and `prodtrail serve` calls createUser for the initial admin.
 */
export interface User {
  userId: string;
  email: string;
  name: string;
  role: Role;
  passwordHash: string;
  oidcSubject: string;
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

const userRow = z.object({
  user_id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  password_hash: z.string(),
  oidc_subject: z.string(),
  disabled: z.union([z.boolean(), z.number()]).transform(Boolean),
  created_at: z.string().transform(chTimeToIso),
  updated_at: z.string().transform(chTimeToIso),
});

const usersQuery = defineQuery({
  name: "users.find",
  params: z.object({ user_id: z.string().default(""), email: z.string().default(""), oidc_subject: z.string().default("") }),
  row: userRow,
  sql: (t) => `
    SELECT user_id, email, name, role, password_hash, oidc_subject, disabled, created_at, updated_at
    FROM ${t.users} FINAL
    WHERE (empty({user_id:String}) OR user_id = {user_id:String})
      AND (empty({email:String}) OR email = {email:String})
      AND (empty({oidc_subject:String}) OR oidc_subject = {oidc_subject:String})
    ORDER BY email`,
});

function toUser(row: z.output<typeof userRow>): User {
  return {
    userId: row.user_id,
    email: row.email,
    name: row.name,
    role: row.role,
    passwordHash: row.password_hash,
    oidcSubject: row.oidc_subject,
    disabled: row.disabled,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, { message: "an email address is at most 254 characters" })
  .regex(/^[^\s@]+@[^\s@]+$/, { message: "must be an email address such as alice@example.com" });

export class UserExistsError extends Error {
  constructor(readonly email: string) {
    super(`a user with the email ${email} already exists`);
    this.name = "UserExistsError";
  }
}

export class UserNotFoundError extends Error {
  constructor(readonly userId: string) {
    super(`no user with id ${userId}`);
    this.name = "UserNotFoundError";
  }
}

/** Microseconds since the epoch: later writes win even within one millisecond of each other. */
let lastVersion = 0;
export function nextVersion(): number {
  lastVersion = Math.max(lastVersion + 1, Date.now() * 1000);
  return lastVersion;
}

function toRow(user: User, updatedBy: string): Record<string, unknown> {
  return {
    user_id: user.userId,
    email: user.email,
    name: user.name,
    role: user.role,
    password_hash: user.passwordHash,
    oidc_subject: user.oidcSubject,
    disabled: user.disabled,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
    updated_by: updatedBy,
    version: nextVersion(),
  };
}

export interface NewUser {
  email: string;
  name?: string;
  role: Role;
  /** Omitted for users who only sign in through OpenID Connect. */
  password?: string;
  oidcSubject?: string;
  createdBy: string;
}

/** Creates a user. Throws UserExistsError for a taken email, WeakPasswordError for a short or guessable password. */
export async function createUser(store: Store, input: NewUser): Promise<User> {
  const email = emailSchema.parse(input.email);
  if ((await usersQuery(store, { email })).length > 0) throw new UserExistsError(email);
  const now = new Date().toISOString();
  const user: User = {
    userId: randomBytes(12).toString("hex"),
    email,
    name: (input.name ?? "").trim().slice(0, 256) || email.split("@")[0] || email,
    role: z.enum(ROLES).parse(input.role),
    passwordHash: input.password === undefined ? "" : await hashPassword(input.password, [email, input.name ?? ""]),
    oidcSubject: input.oidcSubject ?? "",
    disabled: false,
    createdAt: now,
    updatedAt: now,
  };
  await insertRows(store, { table: "users", rows: [toRow(user, input.createdBy)] });
  return user;
}

export async function listUsers(store: Store): Promise<User[]> {
  return (await usersQuery(store, {})).map(toUser);
}

export async function countUsers(store: Store): Promise<number> {
  return (await usersQuery(store, {})).length;
}

export async function findUserById(store: Store, userId: string): Promise<User | undefined> {
  if (userId === "") return undefined;
  const [row] = await usersQuery(store, { user_id: userId });
  return row ? toUser(row) : undefined;
}

export async function findUserByEmail(store: Store, email: string): Promise<User | undefined> {
  const parsed = emailSchema.safeParse(email);
  if (!parsed.success) return undefined;
  const [row] = await usersQuery(store, { email: parsed.data });
  return row ? toUser(row) : undefined;
}

export async function findUserByOidcSubject(store: Store, subject: string): Promise<User | undefined> {
  if (subject === "") return undefined;
  const [row] = await usersQuery(store, { oidc_subject: subject });
  return row ? toUser(row) : undefined;
}

export type UserChange = Partial<Pick<User, "role" | "disabled" | "name" | "oidcSubject">> & { password?: string };

/** Writes a new version of the user with `change` applied; returns the new state. */
export async function updateUser(store: Store, userId: string, change: UserChange, updatedBy: string): Promise<User> {
  const current = await findUserById(store, userId);
  if (!current) throw new UserNotFoundError(userId);
  const next: User = {
    ...current,
    ...(change.role !== undefined ? { role: z.enum(ROLES).parse(change.role) } : {}),
    ...(change.disabled !== undefined ? { disabled: change.disabled } : {}),
    ...(change.name !== undefined ? { name: change.name.trim().slice(0, 256) } : {}),
    ...(change.oidcSubject !== undefined ? { oidcSubject: change.oidcSubject } : {}),
    ...(change.password !== undefined ? { passwordHash: await hashPassword(change.password, [current.email, current.name]) } : {}),
    updatedAt: new Date().toISOString(),
  };
  await insertRows(store, { table: "users", rows: [toRow(next, updatedBy)] });
  return next;
}

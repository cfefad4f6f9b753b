"use server";

import { headers } from "next/headers";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { ApiKeyNotFoundError } from "../../../ingest/auth/api-keys";
import { WeakPasswordError } from "../../../server/auth/password";
import { UserExistsError, UserNotFoundError } from "../../../server/auth/users";
import {
  AdminRuleError, adminCreateKey, adminCreateUser, adminEndSessions, adminRevokeKey, adminSetDisabled, adminSetPassword, adminSetRole,
} from "../../lib/auth/admin";
import { CsrfError, verifyCsrf } from "../../lib/auth/csrf";
import { ForbiddenError, ROLES } from "../../lib/auth/permissions";
import { forgetCachedSessions, requireViewer } from "../../lib/auth/session";
import { log } from "../../lib/log";
import { getStore } from "../../lib/store";

/** What every admin form shows after submitting: an error, a confirmation, or a new key's token (once). */
export interface AdminActionState {
  error?: string;
  message?: string;
  token?: string;
}

/** Errors a person can act on become the form's message; anything else is a bug and goes to error.tsx. */
function expected(error: unknown): string | undefined {
  if (error instanceof z.ZodError) return error.issues.map((i) => i.message).join("; ");
  if (
    error instanceof CsrfError || error instanceof ForbiddenError || error instanceof AdminRuleError || error instanceof UserExistsError ||
    error instanceof UserNotFoundError || error instanceof WeakPasswordError || error instanceof ApiKeyNotFoundError
  ) return error.message;
  return undefined;
}

/** Sign-in, CSRF and (in the data layer) admin:manage, for every action. */
async function run(work: () => Promise<AdminActionState>): Promise<AdminActionState> {
  try {
    verifyCsrf({ headers: await headers() });
    const state = await work();
    revalidatePath("/admin");
    return state;
  } catch (error) {
    const message = expected(error);
    if (message === undefined) throw error;
    log.warn({ err: error }, "admin action refused");
    return { error: message };
  }
}

const field = (data: FormData, name: string) => {
  const value = data.get(name);
  return typeof value === "string" ? value : "";
};

export async function createUserAction(_prev: AdminActionState, data: FormData): Promise<AdminActionState> {
  const viewer = await requireViewer();
  return run(async () => {
    const user = await adminCreateUser(viewer, getStore(), {
      email: field(data, "email"), name: field(data, "name"), role: z.enum(ROLES).parse(field(data, "role")), password: field(data, "password"),
    });
    return { message: `Created ${user.email} (${user.role}).` };
  });
}

export async function setRoleAction(_prev: AdminActionState, data: FormData): Promise<AdminActionState> {
  const viewer = await requireViewer();
  return run(async () => {
    const user = await adminSetRole(viewer, getStore(), field(data, "user_id"), z.enum(ROLES).parse(field(data, "role")));
    forgetCachedSessions();
    return { message: `${user.email} is now ${user.role}.` };
  });
}

export async function setDisabledAction(_prev: AdminActionState, data: FormData): Promise<AdminActionState> {
  const viewer = await requireViewer();
  return run(async () => {
    const user = await adminSetDisabled(viewer, getStore(), field(data, "user_id"), field(data, "disabled") === "true");
    forgetCachedSessions();
    return { message: `${user.email} is ${user.disabled ? "disabled; their sessions have ended" : "enabled"}.` };
  });
}

export async function setPasswordAction(_prev: AdminActionState, data: FormData): Promise<AdminActionState> {
  const viewer = await requireViewer();
  return run(async () => {
    const user = await adminSetPassword(viewer, getStore(), field(data, "user_id"), field(data, "password"));
    forgetCachedSessions();
    return { message: `New password set for ${user.email}; their sessions have ended.` };
  });
}

export async function endSessionsAction(_prev: AdminActionState, data: FormData): Promise<AdminActionState> {
  const viewer = await requireViewer();
  return run(async () => {
    const ended = await adminEndSessions(viewer, getStore(), field(data, "user_id"));
    forgetCachedSessions();
    return { message: `Ended ${ended} session${ended === 1 ? "" : "s"}.` };
  });
}

export async function createKeyAction(_prev: AdminActionState, data: FormData): Promise<AdminActionState> {
  const viewer = await requireViewer();
  return run(async () => {
    const scopes = data.getAll("scopes").filter((s) => typeof s === "string");
    const { token, info } = await adminCreateKey(viewer, getStore(), { name: field(data, "name"), ...(scopes.length > 0 ? { scopes } : {}) });
    return { message: `Created key ${info.keyId} (${info.name}). Copy the token now: it is not shown again.`, token };
  });
}

export async function revokeKeyAction(_prev: AdminActionState, data: FormData): Promise<AdminActionState> {
  const viewer = await requireViewer();
  return run(async () => {
    const key = await adminRevokeKey(viewer, getStore(), field(data, "key_id"));
    return { message: `Revoked key ${key.keyId} (${key.name}); collectors using it are refused within 10 seconds.` };
  });
}

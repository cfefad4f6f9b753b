import { randomBytes } from "node:crypto";
import type { Role } from "../dashboard/lib/auth/permissions";
import { createSession, SESSION_COOKIE } from "../server/auth/sessions";
import { createUser } from "../server/auth/users";
import type { Store } from "../store/open";

/** A fresh user of the given role with a live session, as a Cookie header for fetch(). */
export async function signedInCookie(store: Store, role: Role = "viewer"): Promise<{ cookie: string; token: string; email: string }> {
  const email = `${role}-${randomBytes(4).toString("hex")}@example.com`;
  const user = await createUser(store, { email, role, createdBy: "test" });
  const { token } = await createSession(store, { userId: user.userId, method: "password" });
  return { cookie: `${SESSION_COOKIE}=${token}`, token, email };
}

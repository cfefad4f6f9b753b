"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { sharedSignInLimiter } from "../../../server/auth/shared-limiter";
import { revokeSessionByToken } from "../../../server/auth/sessions";
import { signInWithPassword } from "../../../server/auth/sign-in";
import { clientInfo, setSessionCookie } from "../../lib/auth/cookies";
import { CsrfError, verifyCsrf } from "../../lib/auth/csrf";
import { safeNextPath } from "../../lib/auth/next-path";
import { recordSignIn } from "../../lib/auth/sign-in-events";
import { log } from "../../lib/log";
import { getStore } from "../../lib/store";

export interface SignInState {
  error?: string;
  /** The email typed, so a mistyped password does not clear it. */
  email?: string;
}

const form = z.object({
  email: z.string().max(254),
  password: z.string().max(1024),
  next: z.string().max(2048).default("/"),
});

/** Deliberately the same for an unknown email, a wrong password and a disabled user. */
const INVALID = "That email and password do not match an active account.";

export async function signIn(_previous: SignInState, data: FormData): Promise<SignInState> {
  // Next already refuses server actions whose Origin is not this host; the
  // same check again here keeps sign-in safe if that default ever changes.
  try {
    verifyCsrf({ headers: await headers() });
  } catch (error) {
    if (error instanceof CsrfError) return { error: "This sign-in came from another site and was refused. Open the sign-in page directly." };
    throw error;
  }
  const parsed = form.safeParse({ email: data.get("email") ?? "", password: data.get("password") ?? "", next: data.get("next") ?? "/" });
  if (!parsed.success) return { error: INVALID };
  const { email, password } = parsed.data;
  const client = await clientInfo();
  const result = await signInWithPassword(getStore(), sharedSignInLimiter(getStore()), { email, password, ...client });
  if (!result.ok) {
    const locked = result.reason === "locked";
    await recordSignIn({ outcome: "failure", email, method: "password", ...client, reason: locked ? "locked out (too many failed attempts)" : "invalid credentials" });
    if (!locked) return { error: INVALID, email };
    const minutes = Math.ceil(result.retryAfterMs / 60_000);
    return {
      error: `Too many failed sign-ins for this email from your address: sign-in is locked for ${minutes} more minute${minutes === 1 ? "" : "s"} (at most 10 attempts per 15 minutes).`,
      email,
    };
  }
  try {
    await recordSignIn({ outcome: "success", email: result.user.email, method: "password", ...client, sessionId: result.session.sessionId });
  } catch {
    await revokeSessionByToken(getStore(), result.token);
    return { error: "Sign-in could not be recorded in the audit trail, so it was refused. Check the server log.", email };
  }
  await setSessionCookie(result.token);
  log.info({ user: result.user.email, session: result.session.sessionId }, "signed in");
  redirect(safeNextPath(parsed.data.next));
}

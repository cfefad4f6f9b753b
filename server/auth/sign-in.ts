import type { Store } from "../../store/open";
import { dummyHash, needsRehash, passwordProblem, verifyPassword } from "./password";
import type { SignInLimiter } from "./rate-limit";
import { createSession, type Session } from "./sessions";
import { findUserByEmail, updateUser, type User } from "./users";

export type SignInResult =
  | { ok: true; token: string; session: Session; user: User }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "locked"; retryAfterMs: number };

/**
 * Email + password sign-in. Every refusal that is not a lockout is the same
 * "invalid", whether the email is unknown, the user disabled, OpenID-only or
 * the password wrong, and costs the same scrypt work (an unknown email is
 * checked against a dummy hash), so neither the answer nor its timing tells
 * which emails have accounts.
 *
 * The attempt reserves its place in the limit *before* the password is
 * checked (see rate-limit.ts): parallel guesses beyond the limit are refused
 * without a check, whatever order they finish in.
 */
export async function signInWithPassword(
  store: Store,
  limiter: SignInLimiter,
  input: { email: string; password: string; sourceIp: string; userAgent: string },
): Promise<SignInResult> {
  const gate = await limiter.reserve(input.sourceIp, input.email);
  if (!gate.allowed) return { ok: false, reason: "locked", retryAfterMs: gate.retryAfterMs };
  const { reservation } = gate;
  let user: User | undefined;
  let stored: string;
  try {
    user = await findUserByEmail(store, input.email);
    stored = user && !user.disabled && user.passwordHash !== "" ? user.passwordHash : await dummyHash();
  } catch (error) {
    // No password was checked: the place goes back rather than locking a person out during a store outage.
    await limiter.cancel(reservation);
    throw error;
  }
  const matches = await verifyPassword(input.password, stored);
  if (!user || user.disabled || user.passwordHash === "" || !matches) return { ok: false, reason: "invalid" };
  await limiter.succeeded(reservation);
  if (needsRehash(user.passwordHash)) await rehash(store, user, input.password);
  const { token, session } = await createSession(store, { userId: user.userId, method: "password", sourceIp: input.sourceIp, userAgent: input.userAgent });
  return { ok: true, token, session, user };
}

/** A hash made with older scrypt parameters is replaced by one with today's, now that the password is known. */
async function rehash(store: Store, user: User, password: string): Promise<void> {
  if (passwordProblem(password, [user.email, user.name])) return; // set under an older policy; re-hashing would refuse it
  await updateUser(store, user.userId, { password }, "sign-in (re-hash with current scrypt cost)");
}

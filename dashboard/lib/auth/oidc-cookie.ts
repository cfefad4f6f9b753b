import "server-only";
import { cookies } from "next/headers";
import { OIDC_STATE_TTL_MS, oidcStateSchema, type OidcState } from "../../../server/auth/oidc";
import { sharedAuthRuntime } from "../../../server/auth/runtime";
import { signValue, verifyValue } from "../../../server/auth/signed-cookie";
import { cookiesAreSecure } from "./cookies";

/**
 * The OpenID Connect state between /signin/oidc and its callback: signed,
 * HttpOnly, SameSite=Lax (the provider's redirect back is a top-level GET,
 * which Lax cookies accompany), scoped to /signin/oidc, gone after 10 minutes
 * or after the callback, whichever is first.
 */
const NAME = "prodtrail_oidc";
const PATH = "/signin/oidc";

export async function setOidcStateCookie(state: OidcState): Promise<void> {
  const value = signValue(state, sharedAuthRuntime().cookieKey, OIDC_STATE_TTL_MS);
  (await cookies()).set(NAME, value, { httpOnly: true, sameSite: "lax", secure: await cookiesAreSecure(), path: PATH, maxAge: OIDC_STATE_TTL_MS / 1000 });
}

/** Reads and clears the state (one use only). */
export async function takeOidcStateCookie(): Promise<OidcState | undefined> {
  const jar = await cookies();
  const value = jar.get(NAME)?.value;
  jar.set(NAME, "", { httpOnly: true, sameSite: "lax", secure: await cookiesAreSecure(), path: PATH, maxAge: 0 });
  return verifyValue(value, sharedAuthRuntime().cookieKey, oidcStateSchema);
}

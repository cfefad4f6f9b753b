import { finishOidcSignIn, provisionOidcUser } from "../../../../../server/auth/oidc";
import { sharedAuthRuntime } from "../../../../../server/auth/runtime";
import { createSession, revokeSessionByToken } from "../../../../../server/auth/sessions";
import { clientInfo, setSessionCookie } from "../../../../lib/auth/cookies";
import { safeNextPath } from "../../../../lib/auth/next-path";
import { takeOidcStateCookie } from "../../../../lib/auth/oidc-cookie";
import { recordSignIn } from "../../../../lib/auth/sign-in-events";
import { log } from "../../../../lib/log";
import { getStore } from "../../../../lib/store";

export const dynamic = "force-dynamic";

const back = (error: string) => new Response(null, { status: 303, headers: { location: `/signin?error=${error}`, "cache-control": "no-store" } });

/**
 * GET /signin/oidc/callback — the provider's redirect back. openid-client
 * checks state, the PKCE verifier, the ID token's signature, issuer,
 * audience, expiry and nonce; then the user is found or provisioned and a
 * dashboard session starts exactly as with a password.
 */
export async function GET(request: Request): Promise<Response> {
  const oidc = sharedAuthRuntime().config.oidc;
  if (!oidc) return Response.json({ error: "single sign-on is not configured (auth.oidc in prodtrail.yaml)" }, { status: 404 });
  const state = await takeOidcStateCookie();
  if (!state) return back("oidc-expired");
  const client = await clientInfo();
  const store = getStore();
  let token: string;
  try {
    const claims = await finishOidcSignIn(oidc, new URL(request.url).search, state);
    const user = await provisionOidcUser(store, oidc, claims);
    if (user.disabled) {
      await recordSignIn({ outcome: "failure", email: user.email, method: "oidc", ...client, reason: "disabled" });
      return back("oidc-disabled");
    }
    const started = await createSession(store, { userId: user.userId, method: "oidc", ...client });
    token = started.token;
    try {
      await recordSignIn({ outcome: "success", email: user.email, method: "oidc", ...client, sessionId: started.session.sessionId });
    } catch {
      await revokeSessionByToken(store, token);
      return back("oidc");
    }
    log.info({ user: user.email, session: started.session.sessionId, issuer: oidc.issuer }, "signed in with oidc");
  } catch (error) {
    log.warn({ err: error, issuer: oidc.issuer }, "oidc: sign-in refused");
    await recordSignIn({ outcome: "failure", email: "(oidc)", method: "oidc", ...client, reason: error instanceof Error ? error.message.slice(0, 500) : "oidc failure" });
    return back("oidc");
  }
  await setSessionCookie(token);
  return new Response(null, { status: 303, headers: { location: safeNextPath(state.next), "cache-control": "no-store" } });
}

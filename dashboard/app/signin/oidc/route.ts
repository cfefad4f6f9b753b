import { beginOidcSignIn } from "../../../../server/auth/oidc";
import { sharedAuthRuntime } from "../../../../server/auth/runtime";
import { safeNextPath } from "../../../lib/auth/next-path";
import { setOidcStateCookie } from "../../../lib/auth/oidc-cookie";
import { log } from "../../../lib/log";

export const dynamic = "force-dynamic";

/**
 * GET /signin/oidc?next=/path — starts single sign-on: keeps state, nonce
 * and the PKCE verifier in a signed cookie and sends the browser to the
 * provider. A GET is safe here: it signs nobody in, it only starts a flow
 * that the provider and the callback's checks must complete.
 */
export async function GET(request: Request): Promise<Response> {
  const oidc = sharedAuthRuntime().config.oidc;
  if (!oidc) return Response.json({ error: "single sign-on is not configured (auth.oidc in prodtrail.yaml)" }, { status: 404 });
  const next = safeNextPath(new URL(request.url).searchParams.get("next"));
  try {
    const { url, state } = await beginOidcSignIn(oidc, next);
    await setOidcStateCookie(state);
    return new Response(null, { status: 303, headers: { location: url.href, "cache-control": "no-store" } });
  } catch (error) {
    log.error({ err: error, issuer: oidc.issuer }, "oidc: could not start sign-in (provider discovery failed?)");
    return new Response(null, { status: 303, headers: { location: "/signin?error=oidc" } });
  }
}

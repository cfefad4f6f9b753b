import { cookies } from "next/headers";
import { resolveSession, revokeSessionByToken, SESSION_COOKIE } from "../../../server/auth/sessions";
import { clearSessionCookie } from "../../lib/auth/cookies";
import { CsrfError, verifyCsrf } from "../../lib/auth/csrf";
import { forgetCachedSessions } from "../../lib/auth/session";
import { clientInfo } from "../../lib/auth/cookies";
import { recordSignIn } from "../../lib/auth/sign-in-events";
import { log } from "../../lib/log";
import { getStore } from "../../lib/store";

export const dynamic = "force-dynamic";

/**
 * POST /signout: ends the session in the store (so a copied cookie stops
 * working too, not only this browser's) and clears the cookie. POST only
 * and CSRF-checked: a GET would let any page sign you out with an <img>.
 */
export async function POST(request: Request): Promise<Response> {
  try {
    verifyCsrf(request);
  } catch (error) {
    if (error instanceof CsrfError) return Response.json({ error: error.message }, { status: 403 });
    throw error;
  }
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  if (token) {
    const live = await resolveSession(getStore(), token);
    await revokeSessionByToken(getStore(), token);
    forgetCachedSessions(token);
    if (live.ok) {
      const { session, user } = live;
      const durationS = (Date.now() - Date.parse(session.createdAt)) / 1000;
      await recordSignIn({ outcome: "logout", email: user.email, method: session.method, ...(await clientInfo()), sessionId: session.sessionId, durationS });
    }
  }
  await clearSessionCookie();
  log.info({ had_session: token !== undefined }, "signed out");
  return new Response(null, { status: 303, headers: { location: "/signin" } });
}

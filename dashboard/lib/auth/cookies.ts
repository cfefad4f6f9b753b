import "server-only";
import { cookies, headers } from "next/headers";
import { CLIENT_IP_HEADER } from "../../../server/auth/client-ip";
import { sharedAuthRuntime } from "../../../server/auth/runtime";
import { SESSION_ABSOLUTE_MS, SESSION_COOKIE } from "../../../server/auth/sessions";

/**
 * The session cookie: HttpOnly (no script reads it), SameSite=Lax (not sent
 * on cross-site POSTs), Secure when served over https, path /. Its Max-Age
 * is the session's absolute cap (7 days); the 12-hour idle expiry is
 * enforced by the store, which can also revoke it — the cookie's own
 * lifetime is only an upper bound.
 */
export async function cookiesAreSecure(): Promise<boolean> {
  const configured = sharedAuthRuntime().config.secure_cookies;
  if (configured !== undefined) return configured;
  return (await headers()).get("x-forwarded-proto")?.split(",")[0]?.trim() === "https";
}

export async function setSessionCookie(token: string): Promise<void> {
  (await cookies()).set(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "lax",
    secure: await cookiesAreSecure(),
    path: "/",
    maxAge: Math.floor(SESSION_ABSOLUTE_MS / 1000),
  });
}

export async function clearSessionCookie(): Promise<void> {
  (await cookies()).set(SESSION_COOKIE, "", { httpOnly: true, sameSite: "lax", secure: await cookiesAreSecure(), path: "/", maxAge: 0 });
}

/** The client's address (stamped by the server, see server/auth/client-ip.ts) and user agent. */
export async function clientInfo(): Promise<{ sourceIp: string; userAgent: string }> {
  const h = await headers();
  return { sourceIp: h.get(CLIENT_IP_HEADER) ?? "", userAgent: (h.get("user-agent") ?? "").slice(0, 512) };
}

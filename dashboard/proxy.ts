import { NextResponse, type NextRequest } from "next/server";
import { PATH_HEADER } from "./lib/auth/next-path";
import { securityHeaders } from "./lib/auth/security-headers";

/**
 * Runs before every page and route handler of the dashboard (Next 16
 * "proxy", formerly middleware; Node runtime):
 *
 * - a fresh CSP nonce per request. Next reads the nonce back from the
 *   Content-Security-Policy *request* header and puts it on its own scripts,
 *   so pages must render dynamically (they do: they read cookies).
 * - the path and query in PATH_HEADER for requireViewer's /signin?next=…,
 *   overwriting whatever the client sent under that name.
 *
 * Sign-in is NOT decided here: requireViewer() in each page and the
 * permission checks in the data layer do that, so a route this matcher
 * misses is still protected.
 */
export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const headers = securityHeaders(nonce, process.env.NODE_ENV === "development");
  const csp = headers["Content-Security-Policy"];
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("Content-Security-Policy", csp);
  requestHeaders.set(PATH_HEADER, `${request.nextUrl.pathname}${request.nextUrl.search}`);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

export const config = {
  matcher: [
    // Not the hashed static assets: they carry no HTML and no session.
    { source: "/((?!_next/static|_next/image|favicon.ico).*)" },
  ],
};

import { NextResponse, type NextRequest } from "next/server";
import { CsrfError, verifyCsrf } from "./lib/auth/csrf";
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
 * - a request that changes something (any method but GET, HEAD, OPTIONS:
 *   server actions such as sign-in, route handlers) from another Origin is
 *   answered 403 here, with the reason. Next refuses such server actions
 *   too, but with a 500 (issue #9: a hostile Origin on sign-in); the
 *   actions and routes still check again themselves.
 *
 * Sign-in is NOT decided here: requireViewer() in each page and the
 * permission checks in the data layer do that, so a route this matcher
 * misses is still protected.
 */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const headers = securityHeaders(nonce, process.env.NODE_ENV === "development");
  const broken = brokenEscape(request.nextUrl.pathname);
  if (broken !== undefined) {
    return new NextResponse(`the URL's path ${broken} holds a % escape that is not valid UTF-8; a literal % is written %25\n`, { status: 400, headers: { ...headers, "content-type": "text/plain; charset=utf-8" } });
  }
  if (!SAFE_METHODS.has(request.method)) {
    try {
      verifyCsrf(request);
    } catch (error) {
      if (!(error instanceof CsrfError)) throw error;
      return new NextResponse(`${error.message}\n`, { status: 403, headers: { ...headers, "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } });
    }
  }
  const csp = headers["Content-Security-Policy"];
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("Content-Security-Policy", csp);
  requestHeaders.set(PATH_HEADER, `${request.nextUrl.pathname}${request.nextUrl.search}`);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

/**
 * The path, quoted and cut, when one of its %-escapes does not decode as
 * UTF-8; undefined when it decodes. Next decodes route parameters
 * (/actors/[id]) before any page runs, and answered `/actors/%E0%A4%A`
 * with a 500 (issue #9).
 */
function brokenEscape(path: string): string | undefined {
  try {
    decodeURIComponent(path);
    return undefined;
  } catch {
    return JSON.stringify(path.slice(0, 120));
  }
}

export const config = {
  matcher: [
    // Not the hashed static assets: they carry no HTML and no session.
    { source: "/((?!_next/static|_next/image|favicon.ico).*)" },
  ],
};

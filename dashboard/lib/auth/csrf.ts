/**
 * CSRF check for route handlers that change something (sign-out, admin
 * routes, drift acceptance, any non-GET API route):
 *
 *   verifyCsrf(request: Request): void   — throws CsrfError (answer 403)
 *
 * The session cookie is SameSite=Lax, which already keeps it off cross-site
 * POSTs in current browsers; this is the second, independent layer, the
 * same rule Next applies to server actions: the request's Origin must be this
 * server's own (Host, or X-Forwarded-Host behind a proxy). Every browser in
 * use sends Origin on POST, PUT, PATCH and DELETE; when it is missing,
 * Sec-Fetch-Site must say same-origin. A request with neither is refused —
 * only non-browser clients send such requests, and they can set Origin.
 */
export class CsrfError extends Error {
  constructor(reason: string) {
    super(`refused as a possible cross-site request: ${reason}`);
    this.name = "CsrfError";
  }
}

/** The host this request was addressed to, as the browser saw it. */
export function requestHost(headers: Headers): string | null {
  const forwarded = headers.get("x-forwarded-host")?.split(",")[0]?.trim();
  return forwarded || headers.get("host");
}

export function verifyCsrf(request: Pick<Request, "headers">): void {
  const { headers } = request;
  const host = requestHost(headers);
  if (!host) throw new CsrfError("the request has no Host header");
  const origin = headers.get("origin");
  if (origin !== null) {
    let originHost: string;
    try {
      originHost = new URL(origin).host;
    } catch {
      throw new CsrfError(`Origin ${JSON.stringify(origin.slice(0, 200))} is not a URL`);
    }
    if (origin === "null" || originHost.toLowerCase() !== host.toLowerCase()) {
      throw new CsrfError(`Origin ${JSON.stringify(origin.slice(0, 200))} is not this server (${host})`);
    }
    return;
  }
  const site = headers.get("sec-fetch-site");
  if (site === "same-origin") return;
  if (site !== null) throw new CsrfError(`Sec-Fetch-Site is ${JSON.stringify(site)}, not same-origin`);
  throw new CsrfError("the request carries neither Origin nor Sec-Fetch-Site; send Origin: <this server's URL>");
}

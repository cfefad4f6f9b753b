/**
 * Response headers for every dashboard response (set in proxy.ts).
 *
 * Scripts: only those carrying this response's nonce, plus what they load
 * ('strict-dynamic' — Next's runtime loads its chunks). No 'unsafe-inline'
 * for scripts: an event field that slipped through as HTML still cannot run.
 *
 * Styles: 'unsafe-inline' without a nonce. React renders `style={…}` as
 * style attributes (recharts sizes every chart that way), and no nonce can
 * allow an attribute; with a nonce in the list browsers would also ignore
 * 'unsafe-inline'. Injected CSS cannot run code, so this is the usual trade.
 *
 * Development mode adds 'unsafe-eval' (React's dev tooling rebuilds server
 * stacks with eval) and ws: for hot reload; production has neither.
 */
export function contentSecurityPolicy(nonce: string, dev = false): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${dev ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'none'",
    // Sign-in with OpenID Connect is a link, not a form: Chromium applies
    // form-action to the redirect that follows a form submission.
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export function securityHeaders(nonce: string, dev = false) {
  return {
    "Content-Security-Policy": contentSecurityPolicy(nonce, dev),
    "X-Content-Type-Options": "nosniff",
    // The dashboard's URLs carry filters (actor, host): no other site needs them.
    "Referrer-Policy": "same-origin",
    // For browsers that predate frame-ancestors.
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
  } as const;
}

/**
 * Where to send someone after sign-in. proxy.ts copies each page request's
 * path and query into PATH_HEADER (overwriting anything the client sent), so
 * requireViewer can put it into /signin?next=… without the page passing it.
 *
 * Only same-site paths survive: `//evil.example` and `/\evil.example` are
 * protocol-relative URLs to a browser, the classic open-redirect bypass.
 */
export const PATH_HEADER = "x-prodtrail-path";

const MAX_LENGTH = 2048;

export function safeNextPath(value: string | null | undefined): string {
  if (!value || value.length > MAX_LENGTH) return "/";
  if (!value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return "/";
  // Control characters and backslashes have no place in our paths; browsers normalise some of them into "//".
  for (const ch of value) {
    const code = ch.charCodeAt(0);
    if (code < 0x20 || code === 0x7f || ch === "\\") return "/";
  }
  if (value === "/signin" || value.startsWith("/signin?") || value.startsWith("/signin/") || value.startsWith("/signout")) return "/";
  return value;
}

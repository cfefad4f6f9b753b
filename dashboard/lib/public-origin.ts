import { sharedAuthRuntime } from "../../server/auth/runtime";

/**
 * The origin absolute links are built on (the timeline export's permalink,
 * pasted into postmortems): the first configured public URL, so a request
 * that arrived under another Host (a proxy's internal name, a rebinding
 * attacker's domain) cannot put its own host into a document people click
 * later. Without a configured URL, the request's own origin — which
 * `prodtrail serve` has already checked against its configured host.
 *
 * The public URLs arrive through the auth runtime (publishAuthRuntime's
 * `publicUrls`), which serve fills from config once server/public-url.ts
 * exists; this module does not read config itself.
 */
export function publicOrigin(requestUrl: string): string {
  for (const configured of sharedAuthRuntime().publicUrls) {
    try {
      return new URL(configured).origin;
    } catch {
      // A malformed entry is the config's error to report at start-up; the next one, or the request's origin, is used.
    }
  }
  return new URL(requestUrl).origin;
}

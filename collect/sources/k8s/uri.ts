/**
 * `requestURI` of an exec: `/api/v1/namespaces/ns/pods/p/exec?command=sh&command=-c&command=cat%20%2Fetc%2Fpasswd&container=app&stdin=true`.
 * kubectl sends each argv element as its own `command=` parameter.
 */
export function queryParams(requestURI: string | undefined, name: string): string[] {
  if (requestURI === undefined) return [];
  const q = requestURI.indexOf("?");
  if (q < 0) return [];
  const out: string[] = [];
  for (const pair of requestURI.slice(q + 1).split("&")) {
    const eq = pair.indexOf("=");
    const key = eq < 0 ? pair : pair.slice(0, eq);
    if (decode(key) !== name) continue;
    out.push(decode(eq < 0 ? "" : pair.slice(eq + 1)));
  }
  return out;
}

/** The whole URI decoded, for display in raw; a malformed escape leaves it as written. */
export function decodeUri(uri: string): string {
  try {
    return decodeURIComponent(uri);
  } catch {
    return uri;
  }
}

/** URL-decoding that never throws: a malformed %-escape is kept as written. */
function decode(s: string): string {
  const plus = s.replaceAll("+", " ");
  try {
    return decodeURIComponent(plus);
  } catch {
    return plus;
  }
}

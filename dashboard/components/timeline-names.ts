/**
 * Ids differ at their ends (…-07.deploy-bot@, ip-10-20-61-…, sess-…-a91f), so a
 * long one is cut in the middle: an end-only ellipsis made 26 actors of one
 * fleet read as the same "a-very-long-service-identity-…". 32–36 characters fit
 * the 22rem label column at the page's font; CSS still ellipsises beyond that.
 * The tail gets 60%: the distinguishing end is more often the last part.
 */
export function middleCut(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = Math.floor((max - 1) * 0.4);
  return `${text.slice(0, head)}…${text.slice(text.length - (max - 1 - head))}`;
}

/** An email keeps its domain whole when the domain is short, and cuts the local part in the middle. */
export function shortName(text: string, max: number): string {
  const at = text.lastIndexOf("@");
  const domain = at > 0 ? text.slice(at) : "";
  if (text.length <= max || domain.length === 0 || domain.length > max / 2) return middleCut(text, max);
  return `${middleCut(text.slice(0, at), max - domain.length)}${domain}`;
}

/** A host's first DNS label names it (ip-10-20-104-17, web-03); the domain after it is the same for the fleet, so it is what gets cut. */
export function shortHost(host: string, max: number): string {
  if (host.length <= max) return host;
  const first = host.split(".")[0] ?? host;
  return first.length < max ? `${host.slice(0, max - 1)}…` : middleCut(host, max);
}

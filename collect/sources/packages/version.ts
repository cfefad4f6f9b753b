/**
 * Debian version comparison (deb-version(7), dpkg's `verrevcmp`), needed
 * because dpkg.log writes `upgrade` for downgrades too: `upgrade pkg 2.0 1.0`
 * is a downgrade only a version comparison can tell.
 */
interface Parsed {
  epoch: number;
  upstream: string;
  revision: string;
}

function split(v: string): Parsed {
  const colon = v.indexOf(":");
  const epochText = colon > 0 ? v.slice(0, colon) : "0";
  const rest = colon > 0 ? v.slice(colon + 1) : v;
  const dash = rest.lastIndexOf("-");
  return {
    epoch: /^\d{1,9}$/.test(epochText) ? Number(epochText) : 0,
    upstream: dash > 0 ? rest.slice(0, dash) : rest,
    revision: dash > 0 ? rest.slice(dash + 1) : "",
  };
}

/** `~` sorts before everything, even the end of the string; letters before non-letters. */
function order(c: string | undefined): number {
  if (c === undefined) return 0;
  if (c === "~") return -1;
  if (/[0-9]/.test(c)) return 0;
  if (/[A-Za-z]/.test(c)) return c.charCodeAt(0);
  return c.charCodeAt(0) + 256;
}

function verrevcmp(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let firstDiff = 0;
    while ((i < a.length && !/[0-9]/.test(a[i] ?? "")) || (j < b.length && !/[0-9]/.test(b[j] ?? ""))) {
      const ac = order(i < a.length ? a[i] : undefined);
      const bc = order(j < b.length ? b[j] : undefined);
      if (ac !== bc) return ac - bc;
      i += 1;
      j += 1;
    }
    while (a[i] === "0") i += 1;
    while (b[j] === "0") j += 1;
    while (/[0-9]/.test(a[i] ?? "") && /[0-9]/.test(b[j] ?? "")) {
      if (firstDiff === 0) firstDiff = (a.charCodeAt(i) ?? 0) - (b.charCodeAt(j) ?? 0);
      i += 1;
      j += 1;
    }
    if (/[0-9]/.test(a[i] ?? "")) return 1;
    if (/[0-9]/.test(b[j] ?? "")) return -1;
    if (firstDiff !== 0) return firstDiff;
  }
  return 0;
}

/** Negative when a < b, 0 when equal, positive when a > b. */
export function compareDebianVersions(a: string, b: string): number {
  const pa = split(a);
  const pb = split(b);
  if (pa.epoch !== pb.epoch) return pa.epoch - pb.epoch;
  return verrevcmp(pa.upstream, pb.upstream) || verrevcmp(pa.revision, pb.revision);
}

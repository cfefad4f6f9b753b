import type { AuditRecord } from "./record";
import { enriched, rawValue } from "./record";

/** Maps a numeric uid to a user name (the collector asks passwd.ts: /etc/passwd, then NSS); parsers stay pure. */
export type UidResolver = (uid: number) => string | undefined;

/** auid 4294967295 (-1) means "never set": a daemon or boot process, not a login. */
const UNSET = new Set(["4294967295", "-1"]);

export interface Who {
  actor_id: string;
  actor_kind: "human" | "unknown";
  attribution_method: "auid" | "none";
  attribution_confidence: number;
  effective_user: string | undefined;
  session_id: string | undefined;
}

/** A uid as a name: the enriched translation, else the resolver, else 0 → root, else `uid:<n>`. */
export function userName(record: AuditRecord | undefined, numericKey: string, enrichedKey: string, resolve: UidResolver | undefined): string | undefined {
  const name = enriched(record, enrichedKey);
  if (name) return name;
  const raw = rawValue(record, numericKey);
  if (raw === undefined || UNSET.has(raw)) return undefined;
  // `ausearch -i` already named it (`auid=vagrant`); `unset` and `?` name no one.
  if (!/^\d{1,10}$/.test(raw)) return raw === "unset" || raw === "?" || raw === "(none)" || !/^[A-Za-z0-9._@-][A-Za-z0-9._@$-]{0,255}$/.test(raw) ? undefined : raw;
  const uid = Number(raw);
  return resolve?.(uid) ?? (uid === 0 ? "root" : `uid:${uid}`);
}

/**
 * The login identity: auid survives sudo and su (pam_loginuid sets it once at
 * login and it cannot be changed afterwards without CAP_AUDIT_CONTROL), so it
 * names the person behind a root shell with confidence 1.
 */
export function whoFromAuid(record: AuditRecord | undefined, resolve: UidResolver | undefined): Who {
  const actor = userName(record, "auid", "AUID", resolve);
  const ses = rawValue(record, "ses");
  const session_id = ses === undefined || UNSET.has(ses) ? undefined : `auditd-ses-${ses}`;
  const effective_user = userName(record, "euid", "EUID", resolve) ?? userName(record, "uid", "UID", resolve);
  if (actor === undefined) {
    return { actor_id: "unknown", actor_kind: "unknown", attribution_method: "none", attribution_confidence: 0, effective_user, session_id };
  }
  return { actor_id: actor, actor_kind: "human", attribution_method: "auid", attribution_confidence: 1, effective_user, session_id };
}

/** Channel from the controlling terminal: pseudo-terminals are remote shells, ttyN the console; nothing else is known. */
export function channelFromTty(tty: string | undefined): "ssh" | "console" | "unknown" {
  if (tty === undefined) return "unknown";
  if (/^pts\d{0,6}$/.test(tty) || tty.startsWith("/dev/pts/")) return "ssh";
  if (/^(?:tty\d{1,3}|ttyS\d{1,3}|\/dev\/tty\d{1,3})$/.test(tty)) return "console";
  return "unknown";
}

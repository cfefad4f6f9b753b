/**
 * sshd messages (OpenSSH `auth.c`, `sshd.c`, `pam_unix`), classified.
 * Only the messages that become or shape events are recognised; the rest
 * (key exchange chatter, `Received disconnect`, `Server listening`) are noise.
 * User names come from the network for failed and invalid users, so they are
 * matched lazily up to ` from ` rather than as \S+ (OpenSSH logs them verbatim,
 * spaces and all).
 */
export type SshdMessage =
  | { kind: "accepted"; method: string; user: string; ip: string; port: number; key: string | undefined }
  | { kind: "failed"; method: string; user: string; invalid: boolean; ip: string; port: number }
  | { kind: "invalid-user"; user: string; ip: string }
  | { kind: "session"; service: string; opened: boolean; user: string; by: string | undefined }
  | { kind: "disconnected-user"; user: string; ip: string }
  | { kind: "preauth-invalid-close"; user: string; ip: string };

const ACCEPTED = /^Accepted (\S{1,64}) for (\S{1,256}) from (\S{1,64}) port (\d{1,5})(?: ssh2)?(?:: (\S{1,32} \S{1,256}))?/;
const FAILED = /^Failed (\S{1,64}) for (invalid user )?(.{0,256}?) from (\S{1,64}) port (\d{1,5})/;
const INVALID = /^Invalid user (.{0,256}?) from (\S{1,64})(?: port \d{1,5})?\s*$/;
const SESSION = /^pam_unix\(([a-z-]{1,16}):session\): session (opened|closed) for user ([^\s(]{1,256})(?:\(uid=\d{1,10}\))?(?: by ([^\s(]{0,256})(?:\(uid=\d{1,10}\))?)?/;
const DISCONNECTED_USER = /^Disconnected from user (\S{1,256}) (\S{1,64}) port \d{1,5}/;
const PREAUTH_INVALID = /^(?:Connection closed by|Disconnected from) invalid user (.{0,256}?) (\S{1,64}) port \d{1,5} \[preauth\]/;

export function classifySshd(message: string): SshdMessage | undefined {
  let m = ACCEPTED.exec(message);
  if (m) return { kind: "accepted", method: m[1] ?? "", user: m[2] ?? "", ip: m[3] ?? "", port: Number(m[4]), key: m[5] };
  m = FAILED.exec(message);
  if (m) return { kind: "failed", method: m[1] ?? "", invalid: m[2] !== undefined, user: m[3] ?? "", ip: m[4] ?? "", port: Number(m[5]) };
  m = INVALID.exec(message);
  if (m) return { kind: "invalid-user", user: m[1] ?? "", ip: m[2] ?? "" };
  const session = classifyPamSession(message);
  if (session) return session;
  m = DISCONNECTED_USER.exec(message);
  if (m) return { kind: "disconnected-user", user: m[1] ?? "", ip: m[2] ?? "" };
  m = PREAUTH_INVALID.exec(message);
  if (m) return { kind: "preauth-invalid-close", user: m[1] ?? "", ip: m[2] ?? "" };
  return undefined;
}

/** `pam_unix(sshd:session): session opened for user alice(uid=1000) by (uid=0)`; also su/sudo sessions. */
export function classifyPamSession(message: string): Extract<SshdMessage, { kind: "session" }> | undefined {
  const m = SESSION.exec(message);
  if (!m) return undefined;
  return { kind: "session", service: m[1] ?? "", opened: m[2] === "opened", user: m[3] ?? "", by: m[4] === "" ? undefined : m[4] };
}

/**
 * Messages of older and console login paths that modern sshd lines do not cover.
 *
 * Legacy PAM (RHEL 4/5, Fedora Core, Linux-PAM < 1.0) tags pam_unix lines
 * with the service in the program name, `sshd(pam_unix)[19939]:`, and the
 * message lacks the `pam_unix(sshd:session): ` prefix:
 *   `session opened for user test by (uid=509)` / `session closed for user test`
 *   `authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=218.188.2.4  user=root`
 *   `check pass; user unknown` (followed by an authentication failure: noise)
 * login(1) on a console (shadow and util-linux):
 *   `ROOT LOGIN ON tty2` / `ROOT LOGIN  ON tty1 FROM host` / `LOGIN ON tty1 BY alice`
 *   `FAILED LOGIN 1 FROM (null) FOR root, Authentication failure`
 */
export type LegacyPamMessage =
  | { kind: "session"; opened: boolean; user: string; by: string | undefined }
  | { kind: "auth-failure"; user: string; rhost: string; tty: string };

export type ConsoleLoginMessage =
  | { kind: "login"; user: string; tty: string; from: string | undefined }
  | { kind: "failed"; user: string; tty: string | undefined; from: string | undefined; reason: string };

const LEGACY_TAG = /^([a-z][a-z0-9_-]{0,31})\(pam_unix\)$/;
const SESSION = /^session (opened|closed) for user ([^\s(]{1,256})(?: by ([^\s(]{0,256})\(uid=\d{1,10}\))?/;
const AUTH_FAILURE = /^authentication failure; logname=\S{0,256} uid=\d{1,10} euid=\d{1,10} tty=(\S{0,64}) ruser=\S{0,256} rhost=(\S{0,256})(?:\s+user=(\S{1,256}))?/;

/** `sshd(pam_unix)` → `sshd`; undefined for any other program name. */
export function legacyPamService(program: string): string | undefined {
  return LEGACY_TAG.exec(program)?.[1];
}

export function classifyLegacyPam(message: string): LegacyPamMessage | undefined {
  let m = SESSION.exec(message);
  if (m) return { kind: "session", opened: m[1] === "opened", user: m[2] ?? "", by: m[3] === "" ? undefined : m[3] };
  m = AUTH_FAILURE.exec(message);
  if (m) return { kind: "auth-failure", tty: m[1] ?? "", rhost: m[2] ?? "", user: m[3] ?? "" };
  return undefined;
}

const ROOT_LOGIN = /^ROOT LOGIN {1,2}ON (\S{1,64})(?: FROM (\S{1,256}))?/;
const USER_LOGIN = /^LOGIN ON (\S{1,64}) BY (\S{1,256})(?: FROM (\S{1,256}))?/;
const FAILED_LOGIN = /^FAILED LOGIN (?:\(\d{1,4}\)|\d{1,4}) (?:ON (\S{1,64}) )?(?:FROM (\S{1,256}) )?FOR (\S{1,256}), (.{0,512})$/;

export function classifyConsoleLogin(message: string): ConsoleLoginMessage | undefined {
  let m = ROOT_LOGIN.exec(message);
  if (m) return { kind: "login", user: "root", tty: m[1] ?? "", from: m[2] };
  m = USER_LOGIN.exec(message);
  if (m) return { kind: "login", user: m[2] ?? "", tty: m[1] ?? "", from: m[3] };
  m = FAILED_LOGIN.exec(message);
  if (m) return { kind: "failed", tty: m[1], from: m[2] === "(null)" ? undefined : m[2], user: m[3] ?? "", reason: (m[4] ?? "").trim() };
  return undefined;
}

import type { AuditEvent } from "../../../schemas";
import type { EventBody } from "../types";
import { classifyConsoleLogin, classifyLegacyPam } from "./legacy-messages";
import type { Line } from "./parser";
import { suBody, type Who } from "./privilege";
import { type BoundedMap, type SshSession, sessionIdFor } from "./sessions";

/** What the auth parser lends these handlers: its session map and event building. */
export interface AuthEmitter {
  readonly sessions: BoundedMap<SshSession>;
  emit(line: Line, draft: EventBody): AuditEvent[];
  who(user: string, confidence: number): Who;
  remote(address: string): { source_ip?: string };
  logout(line: Line, pid: string, user: string, channel: "ssh" | "console"): AuditEvent[];
}

/** Console login services: their sessions are local logins (gdm's tty is `:0`, login's `tty1`). */
const CONSOLE_SERVICES = new Set(["login", "gdm", "kdm", "xdm", "lightdm", "gdm-password"]);

/**
 * `sshd(pam_unix)[pid]: …` and its kin. These systems log no `Accepted …`
 * line beside them (the messages file carries only PAM's view), so a PAM
 * session opened by sshd is the login and its close the logout; an
 * authentication failure names the remote host and, when known, the user.
 */
export function handleLegacyPam(p: AuthEmitter, line: Line, service: string, message: string): AuditEvent[] {
  const m = classifyLegacyPam(message);
  if (!m) return [];
  const channel = service === "sshd" ? ("ssh" as const) : CONSOLE_SERVICES.has(service) ? ("console" as const) : undefined;
  const pid = line.rec.pid ?? line.key;
  if (m.kind === "auth-failure") {
    if (channel === undefined) return [];
    return p.emit(line, {
      type: "access.login_failed",
      ...p.who(m.user, 0.5),
      channel,
      outcome: "failure",
      reason: "authentication failure",
      ...p.remote(m.rhost),
      labels: { service, ...(m.tty ? { tty: m.tty } : {}) },
    });
  }
  if (service === "su") {
    // `su(pam_unix)`: `by (uid=0)` names no one (cron's logrotate su); only a named caller is a privilege change.
    return m.opened && m.by ? p.emit(line, suBody({ ok: true, target: m.user, by: m.by, tty: undefined }, p.who(m.by, 1))) : [];
  }
  if (channel === undefined) return [];
  if (!m.opened) return p.logout(line, pid, m.user, channel);
  const sessionId = sessionIdFor(pid, line.rec.timeMs);
  p.sessions.set(pid, { user: m.user, startMs: line.rec.timeMs, sessionId, closed: false });
  return p.emit(line, { type: "access.login", ...p.who(m.user, 1), effective_user: m.user, channel, session_id: sessionId, outcome: "success", labels: { service } });
}

/**
 * login(1) on a console: `ROOT LOGIN ON tty2`, `LOGIN ON tty1 BY alice`,
 * `FAILED LOGIN 1 FROM (null) FOR root, Authentication failure`. When the PAM
 * session of the same login process was already reported (legacy
 * `login(pam_unix)`), the line is the same login and adds nothing.
 */
export function handleConsoleLogin(p: AuthEmitter, line: Line, message: string): AuditEvent[] {
  const m = classifyConsoleLogin(message);
  if (!m) return [];
  const pid = line.rec.pid ?? line.key;
  if (m.kind === "failed") {
    return p.emit(line, {
      type: "access.login_failed",
      ...p.who(m.user, 0.5),
      actor_kind: "unknown",
      channel: "console",
      outcome: "failure",
      reason: m.reason || "failed login",
      ...(m.from === undefined ? {} : p.remote(m.from)),
      labels: m.tty ? { tty: m.tty } : {},
    });
  }
  const known = p.sessions.get(pid);
  if (known && !known.closed && known.user === m.user) return [];
  const sessionId = sessionIdFor(pid, line.rec.timeMs);
  const remote = m.from === undefined ? {} : p.remote(m.from);
  p.sessions.set(pid, { user: m.user, startMs: line.rec.timeMs, sessionId, closed: false, ...(remote.source_ip ? { sourceIp: remote.source_ip } : {}) });
  return p.emit(line, { type: "access.login", ...p.who(m.user, 1), effective_user: m.user, channel: "console", session_id: sessionId, outcome: "success", ...remote, labels: { tty: m.tty } });
}

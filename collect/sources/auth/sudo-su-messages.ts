import { classifyPamSession } from "./sshd-messages";

/**
 * sudo (plugins/sudoers/logging.c) and su (util-linux and shadow) messages.
 *
 *   `alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/vim /etc/nginx/nginx.conf`
 *   `alice : 3 incorrect password attempts ; TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/ls`
 *   `Successful su for root by alice` / `FAILED su for root by alice` (shadow)
 *   `(to root) alice on pts/0` / `FAILED SU (to root) alice on pts/0` (util-linux)
 *   `pam_unix(su:session): session opened for user root(uid=0) by alice(uid=1000)`
 */
export interface SudoMessage {
  user: string;
  /** The sudo failure text (`3 incorrect password attempts`, `user NOT in sudoers`); undefined on success. */
  failure: string | undefined;
  tty: string | undefined;
  pwd: string | undefined;
  runAs: string;
  command: string | undefined;
}

const SUDO_HEAD = /^\s{0,16}(\S{1,256}) : /;

export function classifySudo(message: string): SudoMessage | undefined {
  const head = SUDO_HEAD.exec(message);
  if (!head) return undefined;
  const body = message.slice(head[0].length);
  // COMMAND= is last and may itself contain " ; ", so it takes the rest of the line.
  const commandAt = body.indexOf("COMMAND=");
  const fieldsText = commandAt >= 0 ? body.slice(0, commandAt) : body;
  const command = commandAt >= 0 ? body.slice(commandAt + "COMMAND=".length) : undefined;
  const fields = new Map<string, string>();
  let failure: string | undefined;
  for (const part of fieldsText.split(" ; ")) {
    const text = part.trim();
    if (text === "") continue;
    const eq = text.indexOf("=");
    if (eq > 0 && /^[A-Z]{2,10}$/.test(text.slice(0, eq))) fields.set(text.slice(0, eq), text.slice(eq + 1));
    else if (failure === undefined) failure = text;
  }
  // Every attempt names what was asked (COMMAND=/bin/ls, =list for -l, =validate for -v). A line without
  // it is a warning about sudo itself (`problem with defaults entries ; TTY=pts/0 ; PWD=/ ; USER=root ;`).
  if (command === undefined) return undefined;
  return { user: head[1] ?? "", failure, tty: fields.get("TTY"), pwd: fields.get("PWD"), runAs: (fields.get("USER") ?? "root").replace(/\s*;$/, ""), command };
}

export interface SuMessage {
  by: string;
  target: string;
  ok: boolean;
  tty: string | undefined;
}

const SHADOW_SU = /^(Successful|FAILED) su for (\S{1,256}) by (\S{1,256})/;
const UTIL_SU = /^(FAILED SU )?\(to (\S{1,256})\) (\S{1,256}) on (\S{1,64})/;
const PAM_SU_FAIL = /^pam_unix\(su(?:-l)?:auth\): authentication failure;.{0,512}? ruser=(\S{0,256}).{0,512}? user=(\S{1,256})/;

export function classifySu(message: string): SuMessage | undefined {
  let m = SHADOW_SU.exec(message);
  if (m) return { ok: m[1] === "Successful", target: m[2] ?? "", by: m[3] ?? "", tty: undefined };
  m = UTIL_SU.exec(message);
  if (m) return { ok: m[1] === undefined, target: m[2] ?? "", by: m[3] ?? "", tty: m[4] };
  m = PAM_SU_FAIL.exec(message);
  if (m) return { ok: false, by: m[1] ?? "", target: m[2] ?? "", tty: undefined };
  const session = classifyPamSession(message);
  if (session && session.opened && (session.service === "su" || session.service === "su-l") && session.by) {
    return { ok: true, target: session.user, by: session.by, tty: undefined };
  }
  return undefined;
}

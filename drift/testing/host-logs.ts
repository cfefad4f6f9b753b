import { AuditdParser } from "../../collect/sources/auditd";
import { AuthParser } from "../../collect/sources/auth";
import type { AuditEvent } from "../../schemas";

/**
 * Host logs for drift scenarios, in the formats of the real fixtures in
 * collect/sources/testdata (auth-rfc3339.log: rsyslog RSYSLOG_FileFormat;
 * audit.log: auditd 3.x ENRICHED records of vim opening a file for write),
 * with the scenario's host, path and time, read by the real parsers.
 */
const ctx = (host: string) => ({ collectorId: host, host, env: "prod", now: () => new Date() });

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000+00:00");
}

function parseAll(parser: AuthParser | AuditdParser, lines: readonly string[]): AuditEvent[] {
  const out: AuditEvent[] = [];
  let offset = 0;
  for (const line of lines) {
    out.push(...parser.push(line, { file: "/var/log/scenario.log", offset }));
    offset += Buffer.byteLength(line) + 1;
  }
  out.push(...parser.flush());
  return out;
}

/** An sshd login (publickey, pam session opened) of `user`, pid `pid`, at `at`. */
export function sshLoginLines(host: string, user: string, pid: number, at: number): string[] {
  return [
    `${rfc3339(at)} ${host} sshd[${pid}]: Accepted publickey for ${user} from 203.0.113.9 port 52311 ssh2: RSA SHA256:3q9Zl0x1ExampleFingerprintAbCdEfGhIjKlMnOpQrStU`,
    `${rfc3339(at)} ${host} sshd[${pid}]: pam_unix(sshd:session): session opened for user ${user}(uid=1000) by (uid=0)`,
  ];
}

/** `sudo vi <path>` by `user` on a pts, as sudo logs it (no session id: sudo does not know sshd's). */
export function sudoLines(host: string, user: string, command: string, at: number): string[] {
  return [
    `${rfc3339(at)} ${host} sudo[${4000 + (at % 1000)}]:    ${user} : TTY=pts/0 ; PWD=/home/${user} ; USER=root ; COMMAND=${command}`,
    `${rfc3339(at)} ${host} sudo[${4000 + (at % 1000)}]: pam_unix(sudo:session): session opened for user root(uid=0) by ${user}(uid=1000)`,
  ];
}

export function authEvents(host: string, lines: readonly string[]): AuditEvent[] {
  return parseAll(new AuthParser(ctx(host)), lines);
}

/** auditd's records of `vim <path>` (auid 1000 = alice, via sudo, so uid 0) opening the file for write at `at`. */
export function auditdWriteEvents(host: string, path: string, at: number, serial: number): AuditEvent[] {
  const ts = `${Math.floor(at / 1000)}.${String(at % 1000).padStart(3, "0")}:${serial}`;
  const slash = path.lastIndexOf("/");
  const dir = path.slice(0, slash + 1);
  const name = path.slice(slash + 1);
  const title = Buffer.from(`vim\u0000${path}`).toString("hex").toUpperCase();
  const lines = [
    `type=SYSCALL msg=audit(${ts}): arch=c000003e syscall=257 success=yes exit=3 a0=ffffff9c a1=55d1d0 a2=241 a3=1b6 items=2 ppid=5200 pid=5201 auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=42 comm="vim" exe="/usr/bin/vim.basic" subj=unconfined key="nginx"\u001dARCH=x86_64 SYSCALL=openat AUID="alice" UID="root" GID="root" EUID="root" SUID="root" FSUID="root" EGID="root" SGID="root" FSGID="root"`,
    `type=CWD msg=audit(${ts}): cwd="${dir.slice(0, -1)}"`,
    `type=PATH msg=audit(${ts}): item=0 name="${dir}" inode=100 dev=08:01 mode=040755 ouid=0 ogid=0 rdev=00:00 nametype=PARENT`,
    `type=PATH msg=audit(${ts}): item=1 name="${name}" inode=101 dev=08:01 mode=0100644 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL\u001dOUID="root" OGID="root"`,
    `type=PROCTITLE msg=audit(${ts}): proctitle=${title}`,
    `type=EOE msg=audit(${ts}):`,
  ];
  return parseAll(new AuditdParser(ctx(host)), lines);
}

/** Generated log lines shared by bench/collect/run.ts and pipeline.ts: the same realistic mixes in both. */

/** A realistic auth.log mix: logins (publickey, password), sessions, sudo, failures, noise. */
export function authLine(i: number): string {
  const t = `Nov 22 ${String(8 + Math.floor(i / 3600) % 10).padStart(2, "0")}:${String(Math.floor(i / 60) % 60).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}`;
  const pid = 1000 + (i % 50_000);
  switch (i % 8) {
    case 0: return `${t} web-01 sshd[${pid}]: Accepted publickey for alice from 203.0.113.9 port ${40000 + (i % 20000)} ssh2: RSA SHA256:3q9Zl0x1ExampleFingerprintAbCdEfGhIjKlMnOpQrStU`;
    case 1: return `${t} web-01 sshd[${pid - 1}]: pam_unix(sshd:session): session opened for user alice(uid=1000) by (uid=0)`;
    case 2: return `${t} web-01 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx`;
    case 3: return `${t} web-01 sudo: pam_unix(sudo:session): session opened for user root(uid=0) by alice(uid=1000)`;
    case 4: return `${t} web-01 sshd[${pid}]: Failed password for bob from 198.51.100.7 port ${40000 + (i % 20000)} ssh2`;
    case 5: return `${t} web-01 CRON[${pid}]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)`;
    case 6: return `${t} web-01 systemd-logind[612]: New session ${i} of user alice.`;
    default: return `${t} web-01 sshd[${pid - 4}]: pam_unix(sshd:session): session closed for user alice`;
  }
}

/** One execve event = 6 records (SYSCALL, EXECVE, CWD, PATH, PROCTITLE, EOE), serials increasing. */
export function auditLines(n: number): string[] {
  const out: string[] = [];
  for (let s = 0; out.length < n; s++) {
    const id = `audit(${1795334530 + Math.floor(s / 100)}.${String(s % 1000).padStart(3, "0")}:${10_000 + s})`;
    out.push(
      `type=SYSCALL msg=${id}: arch=c000003e syscall=59 success=yes exit=0 a0=55d1c2 a1=55d1c3 a2=55d1c4 a3=0 items=2 ppid=5200 pid=${5201 + s} auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=42 comm="vim" exe="/usr/bin/vim.basic" subj=unconfined key="exec"`,
      `type=EXECVE msg=${id}: argc=2 a0="vim" a1="/etc/nginx/nginx.conf"`,
      `type=CWD msg=${id}: cwd="/home/alice"`,
      `type=PATH msg=${id}: item=0 name="/usr/bin/vim" inode=1234 dev=08:01 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0`,
      `type=PROCTITLE msg=${id}: proctitle=76696D002F6574632F6E67696E782F6E67696E782E636F6E66`,
      `type=EOE msg=${id}: `,
    );
  }
  return out.slice(0, n);
}

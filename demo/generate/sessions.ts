import type { Host, Person } from "./org";
import type { Rng } from "./prng";
import { MINUTE, on, personWho, type Sim } from "./sim";

/**
 * Interactive SSH sessions as auth.log and auditd see them: bastion hop,
 * login, commands, sudo and su, logout. Hooks let other parts put work
 * inside a session (a direct edit, incident triage) at a time of their own.
 */
const COMMON = ["uptime", "df -h", "free -m", "top -b -n1 | head -20", "ls -la /var/log", "journalctl -p err --since today", "ss -tlnp", "cat /etc/os-release"];
const BY_ROLE: Readonly<Record<Host["role"], readonly string[]>> = {
  web: ["tail -n 200 /var/log/nginx/error.log", "nginx -T", "curl -sI localhost", "grep 502 /var/log/nginx/access.log | wc -l"],
  api: ["journalctl -u api --since '1 hour ago'", "curl -s localhost:8080/healthz", "cat /etc/api/app.yaml", "ps aux | grep node"],
  db: ["psql -c 'select count(*) from pg_stat_activity'", "tail /var/log/postgresql/postgresql-16-main.log", "pg_lsclusters", "du -sh /var/lib/postgresql"],
  worker: ["journalctl -u worker -n 100", "cat /etc/worker/worker.yaml", "systemctl status worker"],
  lb: ["echo 'show stat' | socat stdio /run/haproxy/admin.sock", "tail /var/log/haproxy.log"],
  "k8s-node": ["crictl ps", "journalctl -u kubelet -n 50", "crictl logs --tail 50 $(crictl ps -q | head -1)"],
  bastion: ["last -n 20", "who"],
  vault: ["vault status", "journalctl -u vault -n 50"],
  "ci-runner": ["docker ps", "df -h /var/lib/docker"],
};
const SUDO: Readonly<Record<Host["role"], readonly string[]>> = {
  web: ["sudo systemctl reload nginx", "sudo nginx -t", "sudo tail -f /var/log/nginx/error.log"],
  api: ["sudo systemctl restart api", "sudo journalctl -u api -f"],
  db: ["sudo -u postgres psql", "sudo systemctl status postgresql"],
  worker: ["sudo systemctl restart worker"],
  lb: ["sudo systemctl reload haproxy"],
  "k8s-node": ["sudo crictl rmi --prune", "sudo systemctl restart kubelet"],
  bastion: ["sudo last"],
  vault: ["sudo systemctl status vault"],
  "ci-runner": ["sudo docker system prune -f"],
};

export interface SessionOptions {
  minutes: number;
  /** Run inside the session at (login + offset); gets the session id. */
  inside?: Array<{ offset: number; run: (t: number, sessionId: string) => void }>;
  grant?: { grant_id: string; ticket: string };
  reason?: string;
}

export function sshSession(sim: Sim, rng: Rng, t: number, person: Person, host: Host, options: SessionOptions): string {
  let sourceIp = person.ip;
  if (host.env === "demo-prod" && host.role !== "bastion") {
    const bastion = rng.pick(sim.hostsOf("bastion"));
    sshSession(sim, rng, t - rng.int(20, 90) * 1000, person, bastion, { minutes: options.minutes + 2, ...(options.grant ? { grant: options.grant } : {}) });
    sourceIp = bastion.ip;
  }
  const sessionId = `ssh-${host.name}-${rng.hex(12)}`;
  const who = personWho(person, "auth-log", person.username);
  const glass = options.grant ? { grant_id: options.grant.grant_id, ticket: options.grant.ticket, break_glass: true } : {};
  const port = rng.int(32768, 60999);
  sim.emit(t, {
    type: "access.login",
    ...who,
    ...on(host),
    ...glass,
    channel: "ssh",
    outcome: "success",
    session_id: sessionId,
    source_ip: sourceIp,
    user_agent: "OpenSSH_9.6p1",
    ...(options.reason ? { reason: options.reason } : {}),
    raw: `sshd[${rng.int(1000, 99999)}]: Accepted publickey for ${person.username} from ${sourceIp} port ${port} ssh2`,
  });
  const end = t + options.minutes * MINUTE;
  const commands = host.role === "bastion" ? rng.int(0, 2) : rng.int(6, 26);
  for (let i = 0; i < commands; i += 1) {
    const at = t + Math.floor(rng.next() * (end - t));
    const sudo = rng.chance(0.2);
    const su = !sudo && host.role === "db" && rng.chance(0.15);
    if (su) {
      sim.emit(at, { type: "access.privilege", ...personWho(person, "auth-log", "postgres"), ...on(host), ...glass, channel: "su", outcome: "success", session_id: sessionId, command: "su - postgres" });
    } else if (sudo) {
      sim.emit(at, { type: "access.privilege", ...personWho(person, "auid", "root"), ...on(host), ...glass, channel: "sudo", outcome: "success", session_id: sessionId, command: rng.pick(SUDO[host.role]) });
    } else {
      sim.emit(at, { type: "access.exec", ...personWho(person, "auid", person.username), ...on(host), ...glass, channel: "ssh", outcome: "success", session_id: sessionId, command: rng.chance(0.5) ? rng.pick(COMMON) : rng.pick(BY_ROLE[host.role]) });
    }
  }
  for (const step of options.inside ?? []) {
    const at = t + step.offset;
    sim.sched.at(at, () => step.run(at, sessionId));
  }
  sim.emit(end, { type: "access.logout", ...who, ...on(host), ...glass, channel: "ssh", outcome: "success", session_id: sessionId, duration_s: options.minutes * 60 });
  return sessionId;
}

/** A mistyped key or expired certificate before the real login: the everyday kind of failed login. */
export function fumbledLogin(sim: Sim, rng: Rng, t: number, person: Person, host: Host): void {
  sim.emit(t, {
    type: "access.login_failed",
    ...personWho(person, "auth-log", person.username),
    ...on(host),
    channel: "ssh",
    outcome: "failure",
    source_ip: person.ip,
    reason: rng.pick(["publickey denied", "certificate expired", "Failed password"]),
    severity: "low",
  });
}

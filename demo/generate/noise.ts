import type { Rng } from "./prng";
import { MINUTE, on, serviceWho, type Sim } from "./sim";

/**
 * Background traffic every fleet has: credential-stuffing bots hammering the
 * bastions' public SSH port from outside addresses, and the monitoring
 * service's periodic check logins on the database hosts.
 */
const BOT_USERS = ["root", "admin", "ubuntu", "test", "oracle", "postgres", "git", "user", "ftpuser", "pi"];

/** Outside addresses from the documentation ranges (RFC 5737), never real hosts. */
function outsideIp(rng: Rng): string {
  const net = rng.pick(["192.0.2", "198.51.100", "203.0.113"]);
  return `${net}.${rng.int(1, 254)}`;
}

/** One bot run: a few hundred guesses within minutes from one address. */
export function bruteForce(sim: Sim, rng: Rng, t: number): void {
  const target = rng.pick(sim.org.hosts.filter((h) => h.role === "bastion"));
  const ip = outsideIp(rng);
  const attempts = rng.int(40, 260);
  let at = t;
  for (let i = 0; i < attempts; i += 1) {
    at += rng.int(200, 4000);
    const user = rng.pick(BOT_USERS);
    sim.emit(at, {
      type: "access.login_failed",
      actor_id: "unknown",
      actor_kind: "unknown",
      attribution_method: "auth-log",
      attribution_confidence: 0,
      effective_user: user,
      ...on(target),
      channel: "ssh",
      outcome: "failure",
      source_ip: ip,
      severity: "medium",
      reason: rng.chance(0.7) ? `invalid user ${user}` : "Failed password",
      raw: `sshd[${rng.int(1000, 99999)}]: Failed password for invalid user ${user} from ${ip} port ${rng.int(1024, 65535)} ssh2`,
    });
  }
}

/** Check logins every 30 minutes on each production database host. */
export function monitoringChecks(sim: Sim, rng: Rng, dayStart: number): void {
  const svc = sim.org.services.monitoring;
  for (const db of sim.hostsOf("db")) {
    for (let slot = 0; slot < 48; slot += 1) {
      const t = dayStart + slot * 30 * MINUTE + rng.int(0, 59) * 1000;
      const sessionId = `ssh-${db.name}-${rng.hex(12)}`;
      const who = serviceWho(svc, "auth-log", "nagios");
      sim.emit(t, { type: "access.login", ...who, ...on(db), channel: "ssh", outcome: "success", session_id: sessionId, source_ip: "10.20.9.7", user_agent: "OpenSSH_9.6p1" });
      sim.emit(t + 2000, { type: "access.logout", ...who, ...on(db), channel: "ssh", outcome: "success", session_id: sessionId, duration_s: 2 });
    }
  }
}

import type { Person } from "./org";
import type { Rng } from "./prng";
import { MINUTE, on, personWho, serviceWho, type Sim } from "./sim";

/**
 * The other ways people reach production: kubectl exec into pods, database
 * consoles behind Vault's dynamic credentials, the cloud web console, a
 * server's physical console. prodtrail's own dashboard views are not
 * simulated: only the server writes those (schemas/server-only.ts).
 */
const PODS = ["api", "worker", "checkout", "invoices"];

export function kubectlExec(sim: Sim, rng: Rng, t: number, person: Person): void {
  const prod = rng.chance(0.7);
  const node = rng.pick(sim.hostsOf("k8s-node", prod ? "demo-prod" : "demo-staging"));
  const app = rng.pick(PODS);
  const pod = `${app}-${rng.hex(10)}-${rng.hex(5)}`;
  const sessionId = `k8s-${rng.hex(16)}`;
  const who = personWho(person, "k8s-user", "root");
  const base = { ...who, ...on(node), channel: "kubectl", outcome: "success", session_id: sessionId, resource: `pod/${pod}` } as const;
  sim.emit(t, { type: "access.exec", ...base, command: `kubectl exec -it -n prod ${pod} -- /bin/sh` });
  const steps = rng.int(1, 5);
  for (let i = 1; i <= steps; i += 1) {
    sim.emit(t + i * rng.int(10, 90) * 1000, { type: "access.exec", ...base, command: rng.pick(["env | grep -v SECRET", "cat /app/config.yaml", "curl -s localhost:8080/metrics | head", "ps aux", "ls /tmp"]) });
  }
  if (rng.chance(0.1)) {
    const cp = rng.pick(sim.hostsOf("k8s-node", node.env));
    sim.emit(t + 15 * MINUTE, { type: "change.k8s", ...who, ...on(cp), channel: "kubectl", outcome: "success", resource: `deployment/${app}`, op: "scale", command: `kubectl scale deployment/${app} --replicas=${rng.int(3, 12)}` });
  }
}

const QUERIES = [
  ["select", "SELECT id, status FROM orders WHERE created_at > now() - interval '1 hour' LIMIT 50"],
  ["select", "SELECT count(*) FROM invoices WHERE state = 'pending'"],
  ["update", "UPDATE orders SET status = 'refunded' WHERE id = [redacted]"],
  ["delete", "DELETE FROM sessions WHERE expires_at < now()"],
  ["select", "EXPLAIN ANALYZE SELECT * FROM payments WHERE customer_id = [redacted]"],
] as const;

export function dbConsole(sim: Sim, rng: Rng, t: number, person: Person, grant?: { grant_id: string; ticket: string }): void {
  const db = rng.pick(sim.hostsOf("db"));
  const vault = rng.pick(sim.hostsOf("vault"));
  const sessionId = `db-${rng.hex(16)}`;
  const role = grant ? "postgres" : rng.pick(["app_readonly", "app_support"]);
  const leaseId = `lease-${rng.hex(12)}`;
  const glass = grant ? { grant_id: grant.grant_id, ticket: grant.ticket, break_glass: true } : {};
  if (!grant) {
    sim.emit(t - 30_000, { type: "access.grant", ...personWho(person, "vault-entity", role), ...on(vault), channel: "vault", outcome: "success", grant_id: leaseId, resource: `database/creds/${role}`, duration_s: 3600 });
  }
  const who = personWho(person, grant ? "vault-entity" : "auth-log", role);
  const base = { ...who, ...on(db), ...glass, channel: "db-console", outcome: "success", session_id: sessionId } as const;
  sim.emit(t, { type: "access.login", ...base, source_ip: person.ip, user_agent: "psql 16.4", ...(grant ? {} : { grant_id: leaseId }) });
  const n = rng.int(2, 8);
  let at = t;
  for (let i = 0; i < n; i += 1) {
    at += rng.int(20, 300) * 1000;
    const [op, sql] = rng.pick(QUERIES);
    if (op === "select") sim.emit(at, { type: "access.exec", ...base, command: sql, resource: "orders" });
    else sim.emit(at, { type: "change.db", ...base, op, command: sql, resource: op === "update" ? "orders" : "sessions" });
  }
  sim.emit(at + 60_000, { type: "access.logout", ...base, duration_s: Math.round((at + 60_000 - t) / 1000) });
}

export function webConsole(sim: Sim, rng: Rng, t: number, person: Person): void {
  const host = { name: "aws-console", env: "demo-prod" as const, role: "bastion" as const, service: "cloud-console", ip: "0.0.0.0" };
  const ok = rng.chance(0.95);
  sim.emit(t, {
    type: ok ? "access.login" : "access.login_failed",
    ...personWho(person, "auth-log", `arn:aws:sts::123456789012:assumed-role/${person.team}-engineer/${person.username}`),
    ...on(host),
    channel: "web-console",
    outcome: ok ? "success" : "failure",
    source_ip: person.ip,
    user_agent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0",
    ...(ok ? {} : { reason: "MFA code rejected" }),
  });
}

export function physicalConsole(sim: Sim, rng: Rng, t: number, person: Person): void {
  const host = rng.pick(sim.hostsOf("db"));
  const sessionId = `tty-${rng.hex(12)}`;
  const who = personWho(person, "auth-log", "root");
  sim.emit(t, { type: "access.login", ...who, ...on(host), channel: "console", outcome: "success", session_id: sessionId, reason: "IPMI serial console: host unreachable over ssh" });
  sim.emit(t + 5 * MINUTE, { type: "access.exec", ...who, ...on(host), channel: "console", outcome: "success", session_id: sessionId, command: "systemctl restart networking" });
  sim.emit(t + 12 * MINUTE, { type: "access.logout", ...who, ...on(host), channel: "console", outcome: "success", session_id: sessionId, duration_s: 720 });
}

/** Nightly logical backups: the backup service logs in to each database host. */
export function backupRun(sim: Sim, rng: Rng, t: number): void {
  const svc = sim.org.services.backup;
  for (const db of sim.hostsOf("db")) {
    const at = t + rng.int(0, 20) * MINUTE;
    const sessionId = `ssh-${db.name}-${rng.hex(12)}`;
    const who = serviceWho(svc, "auth-log", "postgres");
    sim.emit(at, { type: "access.login", ...who, ...on(db), channel: "ssh", outcome: "success", session_id: sessionId, source_ip: "10.20.9.5", user_agent: "OpenSSH_9.6p1" });
    sim.emit(at + 1000, { type: "access.exec", ...who, ...on(db), channel: "ssh", outcome: "success", session_id: sessionId, command: "pg_dump -Fc app | zstd > /backup/app.dump.zst" });
    const minutes = rng.int(12, 40);
    sim.emit(at + minutes * MINUTE, { type: "access.logout", ...who, ...on(db), channel: "ssh", outcome: "success", session_id: sessionId, duration_s: minutes * 60 });
  }
}

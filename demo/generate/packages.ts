import type { Host, Person } from "./org";
import type { Rng } from "./prng";
import { on, personWho, serviceWho, type Sim, type Who } from "./sim";

/**
 * Package changes as dpkg's log shows them: puppet pinning versions
 * fleet-wide (sanctioned), unattended-upgrades' nightly security updates,
 * and engineers' `sudo apt-get install` of a debugging tool (unmanaged: no
 * configuration-management source declares them).
 */
const SECURITY = [
  ["openssl", "3.0.13-0ubuntu3.4", "3.0.13-0ubuntu3.5"],
  ["libc6", "2.39-0ubuntu8.3", "2.39-0ubuntu8.4"],
  ["openssh-server", "1:9.6p1-3ubuntu13.5", "1:9.6p1-3ubuntu13.7"],
  ["curl", "8.5.0-2ubuntu10.4", "8.5.0-2ubuntu10.6"],
  ["sudo", "1.9.15p5-3ubuntu5", "1.9.15p5-3ubuntu5.1"],
] as const;
const TOOLS = ["strace", "tcpdump", "htop", "iotop", "jq", "sysstat"];

function emitPackage(sim: Sim, t: number, host: Host, who: Who, channel: "config-mgmt" | "sudo" | "unknown", pkg: string, op: "install" | "upgrade", before: string | undefined, after: string, state: "sanctioned" | "unmanaged", sessionId?: string): void {
  const eventId = sim.emit(t, {
    type: "change.package",
    ...who,
    ...on(host),
    channel,
    outcome: "success",
    package: pkg,
    op,
    ...(before ? { version_before: before } : {}),
    version_after: after,
    ...(sessionId ? { session_id: sessionId } : {}),
    command: op === "install" ? `apt-get install -y ${pkg}` : `apt-get install --only-upgrade ${pkg}`,
  });
  sim.truth.package({
    event_id: eventId,
    occurred_at: new Date(t).toISOString(),
    host: host.name,
    env: host.env,
    path: `package:${pkg}`,
    channel,
    true_actor: who.actor_id,
    attributed_in_event: who.actor_kind !== "unknown",
    ...(sessionId ? { session_id: sessionId } : {}),
    state,
  });
}

/** Puppet rolls one security update to every production host (weekly). */
export function puppetPackages(sim: Sim, rng: Rng, t: number): void {
  const [pkg, before, after] = rng.pick(SECURITY);
  const who = serviceWho(sim.org.services["config-mgmt"], "ci-identity", "root");
  for (const host of sim.org.hosts.filter((h) => h.env === "demo-prod")) {
    emitPackage(sim, t + rng.int(0, 1800) * 1000, host, who, "config-mgmt", pkg, "upgrade", before, after, "sanctioned");
  }
}

/** unattended-upgrades on a handful of staging hosts each night. */
export function unattendedUpgrades(sim: Sim, rng: Rng, t: number): void {
  const svc = sim.org.services["unattended-upgrades"];
  // Named from dpkg's log (the process), not from a login: no session backs it, hence 0.5.
  const who: Who = { actor_id: svc.actor_id, actor_kind: "service", attribution_method: "none", attribution_confidence: 0.5, effective_user: "root" };
  const staging = sim.org.hosts.filter((h) => h.env === "demo-staging");
  for (let i = rng.int(2, 6); i > 0; i -= 1) {
    const [pkg, before, after] = rng.pick(SECURITY);
    emitPackage(sim, t + rng.int(0, 3600) * 1000, rng.pick(staging), who, "unknown", pkg, "upgrade", before, after, "unmanaged");
  }
}

export function manualInstall(sim: Sim, rng: Rng, t: number, person: Person, host: Host, sessionId: string): void {
  const pkg = rng.pick(TOOLS);
  emitPackage(sim, t, host, personWho(person, "auid", "root"), "sudo", pkg, "install", undefined, `${rng.int(1, 5)}.${rng.int(0, 20)}-1`, "unmanaged", sessionId);
}

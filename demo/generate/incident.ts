import { dbConsole } from "./access";
import { directEdit } from "./edits";
import { oncallAt, type Person } from "./org";
import type { Rng } from "./prng";
import { sshSession } from "./sessions";
import { MINUTE, on, personWho, type Sim } from "./sim";

/**
 * One incident in the window: at 02:40 UTC replication lag on the primary
 * database pages the on-call engineer, who checks out break-glass
 * credentials from Vault (ticket + 4-hour lease) and pulls in two
 * colleagues; a burst of access follows, with a hand edit of
 * postgresql.conf that is backported the next day and one of the API pool
 * size that the next release overwrites. Break-glass appears nowhere else.
 */
export interface IncidentRecord {
  ticket: string;
  grant_id: string;
  host: string;
  from: number;
  to: number;
  responders: string[];
}

export const INCIDENT_LEASE_S = 4 * 3600;

export function incident(sim: Sim, rng: Rng, t0: number): IncidentRecord {
  const lead = oncallAt(sim.org, t0).person;
  const helpers = sim.org.people.filter((p) => p !== lead && (p.team === "data" || p.team === "platform")).slice(0, 2);
  const ticket = `INC-${rng.int(1000, 9999)}`;
  const vault = rng.pick(sim.hostsOf("vault"));
  const [primary, replica] = sim.hostsOf("db");
  const api = rng.pick(sim.hostsOf("api"));
  if (primary === undefined || replica === undefined) throw new Error("demo: no database hosts");
  const grants: string[] = [];
  const checkout = (p: Person, at: number) => {
    const grantId = `bg-${rng.hex(12)}`;
    grants.push(grantId);
    sim.emit(at, {
      type: "access.grant",
      ...personWho(p, "vault-entity", "vault-breakglass"),
      ...on(vault),
      channel: "break-glass",
      outcome: "success",
      break_glass: true,
      grant_id: grantId,
      ticket,
      severity: "high",
      resource: "secret/data/prod/postgres/superuser",
      reason: `paged: ${ticket} replication lag on ${primary.name}`,
      duration_s: INCIDENT_LEASE_S,
    });
    return { grant_id: grantId, ticket };
  };

  const leadGrant = checkout(lead, t0 + 6 * MINUTE);
  sshSession(sim, rng, t0 + 8 * MINUTE, lead, primary, {
    minutes: 95,
    grant: leadGrant,
    reason: `paged: ${ticket}`,
    inside: [{ offset: 25 * MINUTE, run: (t, sid) => directEdit(sim, rng, t, lead, primary, sid, { intent: "backport", grant: leadGrant, prefer: "/etc/postgresql/16/main/postgresql.conf" }) }],
  });
  dbConsole(sim, rng, t0 + 15 * MINUTE, lead, leadGrant);
  dbConsole(sim, rng, t0 + 50 * MINUTE, lead, leadGrant);

  helpers.forEach((helper, i) => {
    const at = t0 + (20 + i * 12) * MINUTE;
    const grant = checkout(helper, at);
    sshSession(sim, rng, at + 2 * MINUTE, helper, i === 0 ? replica : api, {
      minutes: 70,
      grant,
      inside: i === 1 ? [{ offset: 30 * MINUTE, run: (t, sid) => directEdit(sim, rng, t, helper, api, sid, { intent: "lost", grant, prefer: "/etc/api/app.yaml" }) }] : [],
    });
    dbConsole(sim, rng, at + 40 * MINUTE, helper, grant);
  });
  return { ticket, grant_id: grants[0] ?? "", host: primary.name, from: t0, to: t0 + 6 * MINUTE + INCIDENT_LEASE_S * 1000, responders: [lead, ...helpers].map((p) => p.actor_id) };
}

import { Rng } from "./prng";

/**
 * The simulated organisation: teams of engineers with names, e-mails and
 * time zones, five service identities, and ~120 hosts across prod and
 * staging. Built from the seed alone, so the same seed is the same company.
 */
export const DEMO_DOMAIN = "demo.example.com";

export type Team = "platform" | "payments" | "data" | "web" | "security";

export interface Person {
  actor_id: string; // e-mail: the canonical actor
  name: string;
  username: string; // unix login
  team: Team;
  /** Minutes east of UTC: fixed offsets (no DST in the simulation). */
  tzOffsetMin: number;
  ip: string; // VPN address
}

export interface Service {
  actor_id: string;
  role: "ci" | "config-mgmt" | "backup" | "monitoring" | "unattended-upgrades";
}

export type Role = "web" | "api" | "db" | "worker" | "lb" | "k8s-node" | "bastion" | "vault" | "ci-runner";

export interface Host {
  name: string;
  env: "demo-prod" | "demo-staging";
  role: Role;
  service: string;
  ip: string;
}

const FIRST = ["alice", "bruno", "chen", "dana", "emeka", "fatima", "gabriel", "hana", "ivan", "julia", "kofi", "lena", "marco", "nadia", "oscar", "priya", "quentin", "rosa", "sami", "tara", "umar", "vera", "wei", "ximena", "yusuf", "zoe", "arjun", "beatriz", "carlos", "dmitri", "elif", "felix", "grace", "hugo", "ines", "jonas", "keiko", "liam", "maya", "noah"];
const LAST = ["nguyen", "schmidt", "okafor", "kowalski", "silva", "haddad", "tanaka", "moreau", "rossi", "jensen", "patel", "garcia", "novak", "larsen", "mbeki", "costa", "weber", "yilmaz", "dubois", "kim"];

/** Team sizes sum to 40; time zones: Berlin +60, New York -300, Bengaluru +330, London 0. */
const TEAMS: ReadonlyArray<readonly [Team, number, readonly number[]]> = [
  ["platform", 10, [60, 0, -300]],
  ["payments", 8, [60, 0]],
  ["data", 8, [330, 60]],
  ["web", 9, [-300, 0]],
  ["security", 5, [60, -300]],
];

/** [role, prod count, staging count, service]: 81 prod + 33 staging = 114 hosts. */
const ROLES: ReadonlyArray<readonly [Role, number, number, string]> = [
  ["web", 12, 4, "web-frontend"],
  ["api", 16, 6, "api"],
  ["db", 8, 3, "postgres"],
  ["worker", 14, 4, "worker"],
  ["lb", 4, 2, "haproxy"],
  ["k8s-node", 20, 10, "kubernetes"],
  ["bastion", 2, 2, "bastion"],
  ["vault", 3, 1, "vault"],
  ["ci-runner", 2, 1, "ci"],
];

export interface Org {
  people: Person[];
  services: Record<Service["role"], Service>;
  hosts: Host[];
}

export function buildOrg(seed: number): Org {
  const rng = new Rng("demo-org", seed);
  const people: Person[] = [];
  const used = new Set<string>();
  let index = 0;
  for (const [team, size, zones] of TEAMS) {
    for (let i = 0; i < size; i += 1) {
      let first = rng.pick(FIRST);
      let last = rng.pick(LAST);
      while (used.has(`${first}.${last}`)) {
        first = rng.pick(FIRST);
        last = rng.pick(LAST);
      }
      used.add(`${first}.${last}`);
      people.push({
        actor_id: `${first}.${last}@${DEMO_DOMAIN}`,
        name: `${cap(first)} ${cap(last)}`,
        username: `${first[0] ?? "x"}${last}`,
        team,
        tzOffsetMin: rng.pick(zones),
        ip: `10.8.${Math.floor(index / 200)}.${(index % 200) + 10}`,
      });
      index += 1;
    }
  }
  const svc = (role: Service["role"], name: string): Service => ({ actor_id: `${name}@svc.${DEMO_DOMAIN}`, role });
  const services = {
    ci: svc("ci", "ci-deploy"),
    "config-mgmt": svc("config-mgmt", "puppet"),
    backup: svc("backup", "pg-backup"),
    monitoring: svc("monitoring", "nagios-check"),
    "unattended-upgrades": svc("unattended-upgrades", "unattended-upgrades"),
  } satisfies Org["services"];

  const hosts: Host[] = [];
  ROLES.forEach(([role, prod, staging, service], r) => {
    const add = (env: Host["env"], count: number, tag: string, octet: number) => {
      for (let i = 1; i <= count; i += 1) {
        hosts.push({ name: `${role}-${tag}-${String(i).padStart(2, "0")}`, env, role, service, ip: `10.${octet}.${r + 1}.${i + 10}` });
      }
    };
    add("demo-prod", prod, "prod", 20);
    add("demo-staging", staging, "stg", 30);
  });
  return { people, services, hosts };
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Engineers who carry the pager: platform, data and payments, one per week. */
export function oncallPool(org: Org): Person[] {
  return org.people.filter((p) => p.team === "platform" || p.team === "data" || p.team === "payments");
}

const WEEK_MS = 7 * 24 * 3600_000;
/** Handover Mondays 09:00 UTC; 1970-01-05 was a Monday. */
const ROTA_EPOCH = Date.UTC(1970, 0, 5, 9);

export function oncallAt(org: Org, t: number): { person: Person; from: number; to: number } {
  const pool = oncallPool(org);
  const week = Math.floor((t - ROTA_EPOCH) / WEEK_MS);
  const person = pool[((week % pool.length) + pool.length) % pool.length];
  if (person === undefined) throw new Error("on-call pool is empty");
  const from = ROTA_EPOCH + week * WEEK_MS;
  return { person, from, to: from + WEEK_MS };
}

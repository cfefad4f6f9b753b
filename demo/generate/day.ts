import { backupRun, dbConsole, kubectlExec, physicalConsole, webConsole } from "./access";
import { directEdit, INTENTS } from "./edits";
import { bruteForce, monitoringChecks } from "./noise";
import { oncallAt, type Host, type Person, type Team } from "./org";
import { manualInstall, puppetPackages, unattendedUpgrades } from "./packages";
import { everydayCommit, puppetRun, release } from "./pipeline";
import type { Rng } from "./prng";
import { fumbledLogin, sshSession } from "./sessions";
import { HOUR, MINUTE, type Sim } from "./sim";

/**
 * One simulated UTC day: who works (local working hours 09–18, weekends
 * mostly quiet), what they touch, the pipeline's release windows, puppet,
 * backups, monitoring and the bots. Everything is scheduled as actions; the
 * scheduler runs them in time order.
 */
const ROLES_BY_TEAM: Readonly<Record<Team, readonly Host["role"][]>> = {
  platform: ["web", "api", "db", "worker", "lb", "k8s-node", "vault"],
  payments: ["api", "worker", "db"],
  data: ["db", "worker"],
  web: ["web", "lb", "api"],
  security: ["bastion", "vault", "web", "api"],
};
/** Roles whose files a deploy ships: where a hand edit can matter. */
const EDITABLE: ReadonlySet<Host["role"]> = new Set(["web", "api", "db", "worker", "lb"]);
/** Per-session chance of a hand edit on such a host: about 5 edits per weekday across the fleet. */
const EDIT_CHANCE = 0.14;

export function planDay(sim: Sim, dayStart: number, incidentAt: number | undefined, onIncident: (t: number) => void): void {
  const rng = sim.rng("day", dayStart);
  const dow = new Date(dayStart).getUTCDay();
  const weekend = dow === 0 || dow === 6;
  let label = 0;
  const at = (t: number, run: (r: Rng, t: number) => void) => {
    const r = rng.fork(label++);
    sim.sched.at(t, () => run(r, t));
  };
  /** Local minute-of-day → this UTC day's instant (working hours wrap around the UTC day). */
  const local = (p: Person, minuteOfDay: number) => dayStart + ((((minuteOfDay - p.tzOffsetMin) % 1440) + 1440) % 1440) * MINUTE + rng.int(0, 59) * 1000;
  const workMinute = () => rng.int(9 * 60, 18 * 60 - 30);

  for (const person of sim.org.people) {
    if (!rng.chance(weekend ? 0.06 : 0.85)) continue;
    for (let s = rng.int(2, 5) + (person.team === "platform" ? 1 : 0); s > 0; s -= 1) {
      at(local(person, workMinute()), (r, t) => workSession(sim, r, t, person));
    }
    if (person.team !== "data" && person.team !== "security" && rng.chance(0.35)) at(local(person, workMinute()), (r, t) => kubectlExec(sim, r, t, person));
    if ((person.team === "data" || person.team === "payments") && rng.chance(0.3)) at(local(person, workMinute()), (r, t) => dbConsole(sim, r, t, person));
    if (rng.chance(0.3)) at(local(person, workMinute()), (r, t) => webConsole(sim, r, t, person));
    const repo = person.team === "platform" || person.team === "security" ? "infra" : "app";
    for (let c = rng.poisson(weekend ? 0.2 : repo === "app" ? 1.2 : 0.6); c > 0; c -= 1) {
      at(local(person, workMinute()), (r, t) => everydayCommit(sim, r, t, person, repo));
    }
  }

  // The on-call engineer answers a night alert on about 2 nights in 5.
  if (rng.chance(0.4)) {
    const t = dayStart + rng.int(0, 5 * 60) * MINUTE;
    at(t, (r, tt) => {
      const oncall = oncallAt(sim.org, tt).person;
      const host = r.pick(sim.org.hosts.filter((h) => h.env === "demo-prod" && EDITABLE.has(h.role)));
      sshSession(sim, r, tt, oncall, host, { minutes: r.int(8, 35), reason: "alert: on-call check" });
    });
  }
  if (rng.chance(0.08)) at(dayStart + rng.int(8, 17) * HOUR, (r, t) => physicalConsole(sim, r, t, r.pick(sim.org.people.filter((p) => p.team === "platform"))));

  monitoringChecks(sim, rng.fork("monitoring"), dayStart);
  at(dayStart + 2 * HOUR, (r, t) => backupRun(sim, r, t));
  at(dayStart + 6 * HOUR, (r, t) => unattendedUpgrades(sim, r, t));
  for (let slot = 0; slot < 48; slot += 1) at(dayStart + slot * 30 * MINUTE + 7 * MINUTE, (r, t) => puppetRun(sim, r, t));
  if (dow === 2) at(dayStart + 11 * HOUR, (r, t) => puppetPackages(sim, r, t));
  if (!weekend) {
    for (const minute of [10 * 60 + 30, 14 * 60, 16 * 60 + 30]) at(dayStart + minute * MINUTE, (r, t) => release(sim, r, t, "app"));
    at(dayStart + 15 * HOUR, (r, t) => release(sim, r, t, "infra"));
  }
  for (let b = rng.poisson(7); b > 0; b -= 1) at(dayStart + rng.int(0, 24 * 60 - 30) * MINUTE, (r, t) => bruteForce(sim, r, t));
  if (incidentAt !== undefined && incidentAt >= dayStart && incidentAt < dayStart + 24 * HOUR) sim.sched.at(incidentAt, () => onIncident(incidentAt));
}

/** A working session: a host of the team's services, mostly prod; sometimes a hand edit or a tool install inside. */
function workSession(sim: Sim, rng: Rng, t: number, person: Person): void {
  const env = rng.chance(0.75) ? "demo-prod" : "demo-staging";
  const roles = ROLES_BY_TEAM[person.team];
  const host = rng.pick(sim.org.hosts.filter((h) => h.env === env && roles.includes(h.role)));
  const minutes = rng.int(5, 90);
  const inside: Array<{ offset: number; run: (t: number, sid: string) => void }> = [];
  if (env === "demo-prod" && EDITABLE.has(host.role) && rng.chance(EDIT_CHANCE)) {
    const intent = rng.weighted(INTENTS);
    inside.push({ offset: rng.int(2, Math.max(3, minutes - 5)) * MINUTE, run: (at, sid) => directEdit(sim, rng, at, person, host, sid, { intent }) });
  }
  if (rng.chance(0.03)) inside.push({ offset: MINUTE, run: (at, sid) => manualInstall(sim, rng, at, person, host, sid) });
  if (rng.chance(0.05)) fumbledLogin(sim, rng, t - 20_000, person, host);
  sshSession(sim, rng, t, person, host, { minutes, inside });
}

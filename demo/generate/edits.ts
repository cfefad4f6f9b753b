import { mutate, UNMANAGED_FILES } from "./content";
import { mappedFiles } from "./mappings";
import type { Host, Person } from "./org";
import type { Rng } from "./prng";
import { commit } from "./pipeline";
import { DAY, HOUR, MINUTE, on, personWho, type Sim } from "./sim";

/**
 * Direct edits on production hosts — `sudo vim` in a session — and what the
 * organisation then does about them. The intent only steers what happens
 * next (a backport commit, a teammate's conflicting commit that the next
 * release ships, a hand revert); the truth tracker records what really
 * came of it from the emitted stream.
 */
export type EditIntent = "backport" | "lost" | "never" | "revert" | "unmanaged";

export const INTENTS: ReadonlyArray<readonly [EditIntent, number]> = [
  ["backport", 35],
  ["lost", 20],
  ["never", 20],
  ["revert", 10],
  ["unmanaged", 15],
];

export interface EditOptions {
  intent: EditIntent;
  /** Only under break-glass access during the incident. */
  grant?: { grant_id: string; ticket: string };
  /** A path under one of the host's mappings to prefer (the incident's postgresql.conf). */
  prefer?: string;
}

/** Runs at `t` inside `sessionId`: the sudo command, then the write a minute or so later. */
export function directEdit(sim: Sim, rng: Rng, t: number, person: Person, host: Host, sessionId: string, options: EditOptions): void {
  const target = chooseFile(sim, rng, host, options);
  if (target === undefined) return;
  const { path, repo, repoPath } = target;
  const editor = rng.pick(["vim", "vi", "nano"]);
  const glass = options.grant ? { grant_id: options.grant.grant_id, ticket: options.grant.ticket, break_glass: true } : {};
  sim.emit(t, { type: "access.privilege", ...personWho(person, "auid", "root"), ...on(host), ...glass, channel: "sudo", outcome: "success", session_id: sessionId, command: `sudo ${editor} ${path}` });
  const current = sim.fileOn(host.name, path);
  const before = current === undefined ? "" : sim.blobs.text(current);
  const content = mutate(before, rng, `hotfix ${options.grant?.ticket ?? person.username} ${rng.hex(4)}`);
  // auditd's auid names the person on 3 of 4 hosts; the rest leave attribution to session inference.
  const attributed = rng.chance(0.75);
  const writeAt = t + rng.int(30, 240) * 1000;
  const who = personWho(person, "auid", "root");
  sim.writeFile(writeAt, host, path, content, { who, channel: "sudo", attributed, session_id: sessionId, command: `${editor} ${path}`, ...(options.grant ?? {}) });
  if (repo === undefined || repoPath === undefined) return;

  if (options.intent === "backport") {
    // Most backports land within two working days; a third take most of a week.
    const lag = rng.chance(0.65) ? rng.int(1, 48) * HOUR : rng.int(2, 6) * DAY + rng.int(0, 8) * HOUR;
    const at = writeAt + lag;
    sim.sched.at(at, () => {
      const changes = new Map([[repoPath, content]]);
      commit(sim, rng, at, person, repo, changes, `backport prod fix to ${repoPath}${options.grant ? ` (${options.grant.ticket})` : ""}`);
    });
  } else if (options.intent === "lost") {
    const teammate = rng.pick(sim.org.people.filter((p) => p.team === person.team && p !== person));
    const at = writeAt + rng.int(1, 20) * HOUR;
    sim.sched.at(at, () => {
      const r = sim.repos[repo];
      commit(sim, rng, at, teammate, repo, new Map([[repoPath, mutate(r.contentAt(repoPath), rng, `tune ${rng.hex(6)}`)]]));
    });
  } else if (options.intent === "revert" && current !== undefined) {
    const at = writeAt + rng.int(10, 90) * MINUTE;
    sim.sched.at(at, () => {
      sim.emit(at - 5000, { type: "access.privilege", ...personWho(person, "auid", "root"), ...on(host), channel: "sudo", outcome: "success", session_id: sessionId, command: `sudo cp ${path}.bak ${path}` });
      sim.writeFile(at, host, path, before, { who, channel: "sudo", attributed, session_id: sessionId, command: `cp ${path}.bak ${path}` });
    });
  }
}

interface Target {
  path: string;
  repo?: "infra" | "app";
  repoPath?: string;
}

function chooseFile(sim: Sim, rng: Rng, host: Host, options: EditOptions): Target | undefined {
  if (options.intent === "unmanaged") {
    const path = rng.pick(Object.keys(UNMANAGED_FILES));
    const template = UNMANAGED_FILES[path];
    if (template !== undefined && sim.fileOn(host.name, path) === undefined) {
      // The file was there before the simulation: put it in place without an event.
      sim.files.get(host.name)?.set(path, sim.blobs.put(template(sim.rng("unmanaged", host.name, path))));
    }
    return { path };
  }
  // Deployed files only: sysctl is puppet's, and puppet would put it back within 30 minutes.
  // One open hotfix per repository file at a time: a second host's edit of the same file would be
  // overwritten by the first one's backport, which is real but would drown every other outcome.
  const candidates = mappedFiles(host.name, (r) => sim.repos[r].paths()).filter((f) => f.mapping.via === "ci-deploy" && !sim.truth.hasOpenEdit(f.mapping.repo, f.repoPath));
  const preferred = candidates.find((f) => f.hostPath === options.prefer);
  const chosen = preferred ?? (candidates.length > 0 ? rng.pick(candidates) : undefined);
  return chosen && { path: chosen.hostPath, repo: chosen.mapping.repo, repoPath: chosen.repoPath };
}

import { deriveEventId, type AuditEventInput } from "../../schemas";
import { lineDiff } from "./blob";
import { mappingOf, mappedFiles } from "./mappings";
import { buildOrg, type Host, type Org, type Person, type Service } from "./org";
import { Rng } from "./prng";
import { Blobs, Repo, REPO_NAMES, type Commit, type RepoName } from "./repos";
import { Scheduler } from "./scheduler";
import { TruthTracker } from "./tracker";

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** An event as a module builds it: the simulation adds id, version, time and labels. */
export type EventBody = DistributiveOmit<AuditEventInput, "event_id" | "schema_version" | "occurred_at" | "labels">;
/** A generated event: plain JSON, what is posted to the gateway. */
export type DemoEvent = EventBody & { event_id: string; schema_version: 1; occurred_at: string; labels: Record<string, string> };
export interface Emitted {
  t: number;
  seq: number;
  event: DemoEvent;
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** The shared state every part of the simulation reads and changes. */
export class Sim {
  readonly org: Org;
  readonly sched = new Scheduler();
  readonly blobs = new Blobs();
  readonly repos: Record<RepoName, Repo>;
  readonly truth: TruthTracker;
  /** host → path → blob currently on disk. */
  readonly files = new Map<string, Map<string, string>>();
  /** host|repo → the commit last deployed there. */
  readonly deployed = new Map<string, Commit>();
  /** repo → commits merged since that repo's last production deploy. */
  readonly undeployed: Record<RepoName, Commit[]> = { infra: [], app: [] };
  readonly labels: Record<string, string>;
  /** The infra commit puppet last converged the fleet to. */
  puppetApplied: string | undefined;
  private out: Emitted[] = [];
  private seq = 0;
  private ids = 0;

  constructor(
    readonly seed: number,
    readonly start: number,
  ) {
    this.org = buildOrg(seed);
    this.labels = { demo: "true", demo_seed: String(seed) };
    this.repos = { infra: new Repo("infra", this.blobs), app: new Repo("app", this.blobs) };
    this.truth = new TruthTracker(this.repos);
  }

  /** A random stream of its own for one purpose, stable whatever else draws. */
  rng(...label: Array<string | number>): Rng {
    return new Rng("demo", this.seed, this.start, ...label);
  }

  nextId(kind: string): string {
    this.ids += 1;
    return `${kind}-${this.ids.toString(36)}`;
  }

  emit(t: number, body: EventBody): string {
    const event_id = deriveEventId("demo", this.seed, this.start, this.seq);
    const event: DemoEvent = { ...body, event_id, schema_version: 1, occurred_at: new Date(t).toISOString(), labels: this.labels };
    this.out.push({ t, seq: this.seq, event });
    this.seq += 1;
    return event_id;
  }

  /** Emitted events before `end`, oldest first; later ones wait for the next batch. */
  drain(end: number): Emitted[] {
    const ready = this.out.filter((e) => e.t < end);
    this.out = this.out.filter((e) => e.t >= end);
    return ready.sort((a, b) => a.t - b.t || a.seq - b.seq);
  }

  hostsOf(role: Host["role"], env: Host["env"] = "demo-prod"): Host[] {
    return this.org.hosts.filter((h) => h.role === role && h.env === env);
  }

  fileOn(host: string, path: string): string | undefined {
    return this.files.get(host)?.get(path);
  }

  /** Puts the repositories' content on every host at the window's start: the state before the simulation. */
  provision(rng: Rng): void {
    for (const name of REPO_NAMES) {
      const repo = this.repos[name];
      const init = repo.init(rng, this.start - DAY);
      for (const host of this.org.hosts) this.deployed.set(`${host.name}|${name}`, init);
    }
    for (const host of this.org.hosts) {
      const files = new Map<string, string>();
      for (const f of mappedFiles(host.name, (r) => this.repos[r].paths())) {
        const blob = this.repos[f.mapping.repo].head().tree.get(f.repoPath);
        if (blob !== undefined) files.set(f.hostPath, blob);
      }
      this.files.set(host.name, files);
    }
  }

  /**
   * Writes a file on a host: emits the change.file the files collector
   * would, moves the host's state, and tells the truth tracker.
   */
  writeFile(t: number, host: Host, path: string, content: string, how: WriteHow): string | undefined {
    const files = this.files.get(host.name) ?? new Map<string, string>();
    this.files.set(host.name, files);
    const before = files.get(path);
    const after = this.blobs.put(content);
    if (before === after) return undefined;
    const diff = lineDiff(before === undefined ? "" : this.blobs.text(before), content);
    const attributed = how.attributed ?? true;
    const eventId = this.emit(t, {
      type: "change.file",
      ...how.who,
      ...(attributed ? {} : { actor_id: "unknown", actor_kind: "unknown", attribution_method: "none", attribution_confidence: 0, team: undefined }),
      channel: how.channel,
      host: host.name,
      env: host.env,
      service: host.service,
      outcome: "success",
      path,
      resource: path,
      op: before === undefined ? "create" : "modify",
      ...(before !== undefined ? { before_hash: before } : {}),
      after_hash: after,
      size: Buffer.byteLength(content),
      mode: "0644",
      owner: "root",
      diff_added: diff.added,
      diff_removed: diff.removed,
      ...(how.session_id !== undefined ? { session_id: how.session_id } : {}),
      ...(how.command !== undefined ? { command: how.command } : {}),
      ...(how.ticket !== undefined ? { ticket: how.ticket } : {}),
      ...(how.grant_id !== undefined ? { grant_id: how.grant_id, break_glass: true } : {}),
    });
    files.set(path, after);
    this.truth.file({
      event_id: eventId,
      t,
      host: host.name,
      env: host.env,
      path,
      channel: how.channel,
      true_actor: how.who.actor_id,
      attributed_in_event: attributed,
      ...(how.session_id !== undefined ? { session_id: how.session_id } : {}),
      ...(before !== undefined ? { before_hash: before } : {}),
      after_hash: after,
      sanctioned: how.channel === "ci-deploy" || how.channel === "config-mgmt",
      mapped: mappingOf(host.name, path),
      ...(how.deploy ? { deploy: how.deploy } : {}),
    });
    return eventId;
  }
}

export interface Who {
  actor_id: string;
  actor_kind: "human" | "service" | "unknown";
  attribution_method: "auth-log" | "auid" | "k8s-user" | "vault-entity" | "session-inferred" | "git-author" | "ci-identity" | "dashboard-session" | "none";
  attribution_confidence: number;
  team?: string;
  effective_user?: string;
}

export interface WriteHow {
  who: Who;
  channel: "sudo" | "ci-deploy" | "config-mgmt" | "break-glass" | "unknown";
  attributed?: boolean;
  session_id?: string;
  command?: string;
  ticket?: string;
  grant_id?: string;
  deploy?: { deploy_id: string; commit: string };
}

export function personWho(p: Person, method: Who["attribution_method"] = "auth-log", effective_user?: string): Who {
  return { actor_id: p.actor_id, actor_kind: "human", attribution_method: method, attribution_confidence: method === "session-inferred" ? 0.6 : 1, team: p.team, ...(effective_user ? { effective_user } : {}) };
}

export function serviceWho(s: Service, method: Who["attribution_method"] = "ci-identity", effective_user?: string): Who {
  return { actor_id: s.actor_id, actor_kind: "service", attribution_method: method, attribution_confidence: 1, ...(effective_user ? { effective_user } : {}) };
}

export function on(host: Host): { host: string; env: string; service: string } {
  return { host: host.name, env: host.env, service: host.service };
}

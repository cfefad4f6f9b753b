import type { MappedFile } from "./mappings";
import type { Commit, Repo, RepoName } from "./repos";
import type { TruthChange, TruthState } from "./truth";

/**
 * Derives the ground truth from what the simulation actually emitted, in
 * simulated-time order: an edit's fate is decided by the events that follow
 * it (a commit holding its blob, a deploy overwriting it, a hand revert),
 * not by what the generator intended — so the truth cannot drift from the
 * stream even when chance makes a planned backport arrive after a release.
 */
export interface FileChangeFact {
  event_id: string;
  t: number;
  host: string;
  env: string;
  path: string;
  channel: string;
  true_actor: string;
  attributed_in_event: boolean;
  session_id?: string;
  before_hash?: string;
  after_hash: string;
  sanctioned: boolean;
  mapped: MappedFile | undefined;
  deploy?: { deploy_id?: string; commit?: string };
}

export class TruthTracker {
  readonly changes: TruthChange[] = [];
  /** host|path → the direct edit still on the host whose fate is open. */
  private readonly openByHostPath = new Map<string, TruthChange>();
  /** repo:repoPath → open edits whose content a commit could still bring. */
  private readonly openByRepoPath = new Map<string, Set<TruthChange>>();

  constructor(private readonly repos: Readonly<Record<RepoName, Repo>>) {}

  file(fact: FileChangeFact): TruthChange {
    const key = `${fact.host}|${fact.path}`;
    const iso = new Date(fact.t).toISOString();
    const change: TruthChange = {
      event_id: fact.event_id,
      kind: "file",
      occurred_at: iso,
      host: fact.host,
      env: fact.env,
      path: fact.path,
      channel: fact.channel,
      true_actor: fact.true_actor,
      attributed_in_event: fact.attributed_in_event,
      ...(fact.session_id !== undefined ? { session_id: fact.session_id } : {}),
      ...(fact.before_hash !== undefined ? { before_hash: fact.before_hash } : {}),
      after_hash: fact.after_hash,
      state: "never_committed",
      ...(fact.mapped ? { mapping: { repo: fact.mapped.mapping.repo, repo_path: fact.mapped.repoPath } } : {}),
      in_codebase: false,
      should_flag: false,
    };
    const open = this.openByHostPath.get(key);
    if (open !== undefined) {
      this.close(open, key);
      if (fact.sanctioned) {
        open.state = "lost_hotfix";
        open.overwritten_by = { event_id: fact.event_id, at: iso, ...(fact.deploy?.deploy_id ? { deploy_id: fact.deploy.deploy_id } : {}), ...(fact.deploy?.commit ? { commit: fact.deploy.commit } : {}) };
      } else if (fact.mapped && this.repos[fact.mapped.mapping.repo].heldSince(fact.mapped.repoPath, fact.after_hash) !== undefined) {
        open.state = "reverted";
        open.reverted_by = fact.event_id;
        change.restores = open.event_id;
      } else {
        open.overwritten_by = { event_id: fact.event_id, at: iso };
      }
    }
    if (fact.sanctioned) change.state = "sanctioned";
    else if (!fact.mapped) change.state = "unmanaged";
    else if (this.repos[fact.mapped.mapping.repo].heldSince(fact.mapped.repoPath, fact.after_hash) !== undefined) change.state = "restored";
    else {
      this.openByHostPath.set(key, change);
      const repoKey = `${fact.mapped.mapping.repo}:${fact.mapped.repoPath}`;
      let set = this.openByRepoPath.get(repoKey);
      if (set === undefined) this.openByRepoPath.set(repoKey, (set = new Set()));
      set.add(change);
    }
    this.changes.push(change);
    return change;
  }

  package(change: Omit<TruthChange, "kind" | "in_codebase" | "should_flag">): void {
    this.changes.push({ ...change, kind: "package", in_codebase: false, should_flag: false });
  }

  commit(commit: Commit, eventId: string): void {
    for (const file of commit.files) {
      const open = this.openByRepoPath.get(`${commit.repo}:${file.path}`);
      if (open === undefined) continue;
      for (const change of [...open]) {
        if (change.after_hash !== file.blob) continue;
        change.state = "backported";
        change.backport = { commit: commit.sha, commit_event_id: eventId, lag_s: Math.round((commit.time - Date.parse(change.occurred_at)) / 1000) };
        this.close(change, `${change.host}|${change.path}`);
      }
    }
  }

  /** Is some host carrying an unreconciled hand edit of this repository file? */
  hasOpenEdit(repo: RepoName, repoPath: string): boolean {
    return (this.openByRepoPath.get(`${repo}:${repoPath}`)?.size ?? 0) > 0;
  }

  /** Final fields computed over the whole stream so far. */
  finish(): { changes: TruthChange[]; counts: Record<TruthState, number> } {
    const counts: Record<TruthState, number> = { backported: 0, lost_hotfix: 0, never_committed: 0, reverted: 0, restored: 0, sanctioned: 0, unmanaged: 0 };
    const changes = this.changes.map((c) => {
      const held = c.mapping && c.after_hash ? this.repos[asRepo(c.mapping.repo)].heldSince(c.mapping.repo_path, c.after_hash) : undefined;
      const in_codebase = held !== undefined;
      const direct = c.state !== "sanctioned" && c.state !== "unmanaged";
      counts[c.state] += 1;
      return { ...c, in_codebase, should_flag: c.kind === "file" && direct && c.mapping !== undefined && !in_codebase };
    });
    return { changes, counts };
  }

  private close(change: TruthChange, key: string): void {
    this.openByHostPath.delete(key);
    if (change.mapping) this.openByRepoPath.get(`${change.mapping.repo}:${change.mapping.repo_path}`)?.delete(change);
  }
}

function asRepo(name: string): RepoName {
  if (name === "infra" || name === "app") return name;
  throw new Error(`demo: unknown repository ${name}`);
}

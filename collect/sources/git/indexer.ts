import { mkdir } from "node:fs/promises";
import type { AuditEvent } from "../../../schemas";
import { createLogger, type Logger } from "../../../lib/log";
import { commitEvents, snapshotEvents, type RepoContext } from "./events";
import { parseDiffTree, parseLog, parseLsTree } from "./parse";
import { git, gitTest, gitText } from "./run";
import { readGitState, writeGitState, type BranchState, type GitIndexState } from "./state";

export interface GitRepoConfig {
  /** The repository's name in events (`repo`), as path mappings refer to it. */
  name: string;
  /** A local clone (bare or not). */
  path: string;
  branches: string[];
  /** Fetched on every run when the clone has it. Default "origin". */
  remote?: string;
}

export interface GitIndexerOptions {
  repos: GitRepoConfig[];
  stateDir: string;
  host: string;
  env: string;
  /** Resolves once durable; progress is recorded only after. */
  emit: (events: AuditEvent[]) => Promise<void>;
  /** Default 60 s. */
  intervalMs?: number;
  /** Commits per git call and per emit (bounds memory on a 100k-commit history). Default 500. */
  commitsPerRound?: number;
  maxFilesPerEvent?: number;
  log?: Logger;
}

export interface IndexStats {
  commits: number;
  snapshotFiles: number;
  events: number;
}

/**
 * Indexes tracked branches of local repositories into `codebase.commit`
 * events: on a branch's first run, a snapshot of its tip's whole tree, then
 * every commit reachable from the tip (parents before children); later, the
 * commits since the last indexed one. See README.md here.
 */
export class GitIndexer {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<IndexStats> | null = null;

  private constructor(private readonly opts: GitIndexerOptions, private state: GitIndexState, private readonly log: Logger) {}

  static async open(opts: GitIndexerOptions): Promise<GitIndexer> {
    await mkdir(opts.stateDir, { recursive: true, mode: 0o700 });
    return new GitIndexer(opts, await readGitState(opts.stateDir), opts.log ?? createLogger("git-indexer"));
  }

  start(): void {
    const tick = (): void => {
      void this.indexAll().catch((err: unknown) => this.log.error({ err }, "git indexing failed; retrying next interval"));
    };
    tick();
    this.timer = setInterval(tick, this.opts.intervalMs ?? 60_000);
  }

  async close(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One pass over every repository (a pass already running is awaited, not doubled). */
  indexAll(): Promise<IndexStats> {
    if (this.running !== null) return this.running;
    this.running = (async () => {
      const total: IndexStats = { commits: 0, snapshotFiles: 0, events: 0 };
      try {
        for (const repo of this.opts.repos) {
          const s = await this.indexRepo(repo);
          total.commits += s.commits;
          total.snapshotFiles += s.snapshotFiles;
          total.events += s.events;
        }
      } finally {
        this.running = null;
      }
      return total;
    })();
    return this.running;
  }

  private async indexRepo(repo: GitRepoConfig): Promise<IndexStats> {
    const log = this.log.child({ repo: repo.name });
    const stats: IndexStats = { commits: 0, snapshotFiles: 0, events: 0 };
    const remote = repo.remote ?? "origin";
    const hasRemote = (await gitText(repo.path, ["remote"])).split("\n").includes(remote);
    if (hasRemote) {
      try {
        await git(repo.path, ["fetch", "--prune", "--no-tags", "--quiet", remote]);
      } catch (err) {
        log.warn({ err, remote }, "git fetch failed; indexing what the clone has");
      }
    }
    const branches = (this.state.repos[repo.name] ??= {});
    for (const branch of repo.branches) {
      const ref = hasRemote && (await gitTest(repo.path, ["rev-parse", "--verify", "-q", `refs/remotes/${remote}/${branch}`]))
        ? `refs/remotes/${remote}/${branch}`
        : `refs/heads/${branch}`;
      if (!(await gitTest(repo.path, ["rev-parse", "--verify", "-q", `${ref}^{commit}`]))) {
        log.warn({ branch, ref }, "tracked branch not found");
        continue;
      }
      const tip = await gitText(repo.path, ["rev-parse", `${ref}^{commit}`]);
      const ctx: RepoContext = { repo: repo.name, branch, host: this.opts.host, env: this.opts.env, maxFiles: this.opts.maxFilesPerEvent };
      const bs = (branches[branch] ??= { indexed: null, snapshot: null });
      if (bs.snapshot === null) {
        const [meta] = parseLog(await git(repo.path, ["log", "-z", "--no-walk", FORMAT, tip]));
        if (meta !== undefined) {
          const files = parseLsTree(await git(repo.path, ["ls-tree", "-r", "-z", tip]));
          const events = snapshotEvents(meta, files, ctx);
          await this.opts.emit(events);
          stats.snapshotFiles += files.length;
          stats.events += events.length;
          bs.snapshot = tip;
          await this.save();
        }
      }
      if (bs.indexed === tip) continue;
      if (bs.indexed !== null && !(await gitTest(repo.path, ["merge-base", "--is-ancestor", bs.indexed, tip]))) {
        log.warn({ branch, old_tip: bs.indexed, new_tip: tip }, "branch was rewritten (force-push): indexing the new commits");
      }
      await this.indexRange(repo, ctx, bs, tip, await this.knownTips(repo), stats);
    }
    if (stats.events > 0) log.info({ ...stats }, "git indexed");
    return stats;
  }

  /** Exclusion points: every indexed commit of this repository's branches that still exists. */
  private async knownTips(repo: GitRepoConfig): Promise<string[]> {
    const out: string[] = [];
    for (const b of Object.values(this.state.repos[repo.name] ?? {})) {
      if (b.indexed !== null && (await gitTest(repo.path, ["cat-file", "-e", `${b.indexed}^{commit}`]))) out.push(b.indexed);
    }
    return out;
  }

  private async indexRange(repo: GitRepoConfig, ctx: RepoContext, bs: BranchState, tip: string, exclude: string[], stats: IndexStats): Promise<void> {
    const list = await gitText(repo.path, ["rev-list", "--reverse", "--topo-order", tip, ...(exclude.length > 0 ? ["--not", ...exclude] : [])]);
    const commits = list === "" ? [] : list.split("\n");
    const round = this.opts.commitsPerRound ?? 500;
    for (let i = 0; i < commits.length; i += round) {
      const ids = commits.slice(i, i + round);
      const metas = parseLog(await git(repo.path, ["log", "-z", "--no-walk=unsorted", "--stdin", FORMAT], `${ids.join("\n")}\n`));
      // Merges are compared with their first parent: the files the merge brought into this branch.
      const input = metas.map((m) => (m.parents.length > 1 ? `${m.commit} ${m.parents[0] ?? ""}` : m.commit)).join("\n");
      const files = parseDiffTree(await git(repo.path, ["diff-tree", "--stdin", "-r", "-z", "--root", "--no-renames", "--always"], `${input}\n`));
      const events = metas.flatMap((m) => commitEvents(m, files.get(m.commit) ?? [], ctx));
      await this.opts.emit(events);
      stats.commits += metas.length;
      stats.events += events.length;
      // Parents come before children (--topo-order --reverse): every commit of the range up to here is durable.
      bs.indexed = ids.at(-1) ?? bs.indexed;
      await this.save();
    }
    bs.indexed = tip;
    await this.save();
  }

  private save(): Promise<void> {
    return writeGitState(this.opts.stateDir, this.state);
  }
}

const FORMAT = "--format=%H%x00%P%x00%ae%x00%an%x00%cI";

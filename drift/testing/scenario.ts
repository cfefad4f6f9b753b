import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile, rename, unlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { deployEvents } from "../../collect/emit/deploy";
import { FilesSource } from "../../collect/sources/files";
import { GitIndexer } from "../../collect/sources/git";
import { driftConfigSchema, type DriftMapping } from "../../config/drift";
import { createLogger } from "../../lib/log";
import type { AuditEvent } from "../../schemas";
import { insertEvents } from "../../store/events";
import type { Store } from "../../store/open";
import { DriftJob } from "../job";

/**
 * A drift scenario from real parts: a git repository created with `git`,
 * host files written to disk and seen by the files collector (git blob
 * SHA-1s of the real bytes), commits indexed by the git indexer, deploys from
 * `deployEvents`. Commit dates are set with GIT_COMMITTER_DATE so a backport
 * can land days after an edit; file changes carry their real ctime.
 */
export const HOUR = 3_600_000;

export interface ScenarioOptions {
  /** The repository's name as the git indexer records it; default "infra". */
  repoName?: string;
  /** Branches the git indexer follows; default ["main"]. */
  branches?: string[];
  /** Where the scenario directory is made; default the OS temp directory. */
  parentDir?: string;
  /** Keep the directory on close (a CLI test reads the repository afterwards). */
  keep?: boolean;
  /** Labels a host's files collector stamps (collect.labels). */
  hostLabels?: Record<string, Record<string, string>>;
  /** Host-relative paths whose content a host's files collector keeps (collect.sources.files.keep_content). */
  keepContent?: Record<string, string[]>;
}
export const DAY = 24 * HOUR;

const quiet = createLogger("drift-scenario", "silent");

export class Scenario {
  readonly t0 = Date.now();
  private readonly sources = new Map<string, FilesSource>();
  private indexer: GitIndexer | undefined;
  readonly job: DriftJob;

  private constructor(
    readonly store: Store,
    readonly dir: string,
    readonly mappings: DriftMapping[],
    private readonly options: Required<ScenarioOptions>,
  ) {
    this.job = new DriftJob(store, driftConfigSchema.parse({ mappings }), quiet);
  }

  /** `mappings` take host paths relative to each host's root under the scenario directory. */
  static async create(store: Store, mappings: (hostRoot: (host: string) => string) => Array<Record<string, unknown>>, options: ScenarioOptions = {}): Promise<Scenario> {
    const dir = await mkdtemp(join(options.parentDir ?? tmpdir(), "drift-scenario-"));
    const repo = join(dir, "repo");
    await mkdir(repo, { recursive: true });
    execFileSync("git", ["init", "-q", "-b", "main", repo]);
    const parsed = driftConfigSchema.parse({ mappings: mappings((h) => join(dir, "hosts", h)) }).mappings;
    return new Scenario(store, dir, parsed, { repoName: options.repoName ?? "infra", branches: options.branches ?? ["main"], parentDir: options.parentDir ?? tmpdir(), keep: options.keep ?? false, hostLabels: options.hostLabels ?? {}, keepContent: options.keepContent ?? {} });
  }

  get repoName(): string {
    return this.options.repoName;
  }

  /** Switches the repository to `branch`, creating it at `from` when given (a release branch cut from an older commit). */
  checkout(branch: string, from?: string): void {
    execFileSync("git", ["-C", this.repo, "checkout", "-q", ...(from === undefined ? [branch] : ["-B", branch, from])]);
  }

  get repo(): string {
    return join(this.dir, "repo");
  }

  hostPath(host: string, rel: string): string {
    return join(this.dir, "hosts", host, rel);
  }

  /** Writes files into the repository and commits them with the given date. */
  commit(files: Record<string, string | Buffer | null>, at: number, message = "change"): string {
    for (const [path, content] of Object.entries(files)) {
      const full = join(this.repo, path);
      if (content === null) execFileSync("git", ["-C", this.repo, "rm", "-q", path]);
      else {
        execFileSync("mkdir", ["-p", dirname(full)]);
        execFileSync("tee", [full], { input: content, stdio: ["pipe", "ignore", "inherit"] });
        execFileSync("git", ["-C", this.repo, "add", path]);
      }
    }
    const date = new Date(at).toISOString();
    const env = { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date, GIT_AUTHOR_NAME: "Dev", GIT_AUTHOR_EMAIL: "dev@example.com", GIT_COMMITTER_NAME: "Dev", GIT_COMMITTER_EMAIL: "dev@example.com" };
    execFileSync("git", ["-C", this.repo, "commit", "-q", "-m", message], { env });
    return execFileSync("git", ["-C", this.repo, "rev-parse", "HEAD"]).toString().trim();
  }

  /** Runs the git indexer over the repository: codebase.commit events into the store. */
  async index(): Promise<void> {
    this.indexer ??= await GitIndexer.open({ repos: [{ name: this.options.repoName, path: this.repo, branches: this.options.branches }], stateDir: join(this.dir, "git-state"), host: "git", env: "prod", emit: (e) => this.insert(e), log: quiet });
    await this.indexer.indexAll();
  }

  private kept(host: string): { keepContent?: { paths: string[]; maxBytes: number } } {
    const paths = this.options.keepContent[host];
    return paths === undefined ? {} : { keepContent: { paths: paths.map((p) => this.hostPath(host, p)), maxBytes: 16_384 } };
  }

  /** Replaces the host's scan-driven files collector by a live one (fs.watch, as `prodtrail collect` runs it), same baseline. */
  async goLive(host: string): Promise<FilesSource> {
    await this.sources.get(host)?.close();
    this.sources.delete(host);
    const live = await this.source(host, true);
    await live.start();
    return live;
  }

  private async source(host: string, live = false): Promise<FilesSource> {
    let s = this.sources.get(host);
    if (s === undefined) {
      await mkdir(join(this.dir, "hosts", host), { recursive: true });
      s = await FilesSource.open({ roots: [join(this.dir, "hosts", host)], stateDir: join(this.dir, "files-state", host), host, env: "prod", labels: this.options.hostLabels[host] ?? {}, ...this.kept(host), emit: (e) => this.insert(e), watch: live, debounceMs: 50, reportInitial: true, log: quiet });
      this.sources.set(host, s);
    }
    return s;
  }

  /** Real file edits on a host, then one files-collector scan; returns the change events it emitted. */
  async edit(host: string, files: Record<string, string | Buffer | null>, renames: Record<string, string> = {}): Promise<AuditEvent[]> {
    const source = await this.source(host);
    for (const [rel, content] of Object.entries(files)) {
      const full = this.hostPath(host, rel);
      if (content === null) await unlink(full);
      else {
        await mkdir(dirname(full), { recursive: true });
        await writeFile(full, content);
      }
    }
    for (const [from, to] of Object.entries(renames)) await rename(this.hostPath(host, from), this.hostPath(host, to));
    const before = this.emitted.length;
    await source.scan();
    return this.emitted.slice(before);
  }

  /** The CI pipeline: copies the commit's files onto the host, the collector sees them, then the deploy event. */
  async deploy(host: string, commit: string, paths: Record<string, string>): Promise<AuditEvent[]> {
    const files: Record<string, Buffer> = {};
    for (const [repoPath, hostRel] of Object.entries(paths)) files[hostRel] = execFileSync("git", ["-C", this.repo, "show", `${commit}:${repoPath}`]);
    const changes = await this.edit(host, files);
    await this.insert(deployEvents({ repo: this.options.repoName, commit, env: "prod", hosts: [host], deploy_id: `d-${commit.slice(0, 8)}-${host}`, actor: "ci" }));
    return changes;
  }

  readonly emitted: AuditEvent[] = [];

  async insert(events: AuditEvent[]): Promise<void> {
    this.emitted.push(...events);
    await insertEvents(this.store, events);
  }

  async close(): Promise<void> {
    await this.indexer?.close();
    for (const s of this.sources.values()) await s.close();
    if (!this.options.keep) await rm(this.dir, { recursive: true, force: true });
  }
}

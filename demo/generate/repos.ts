import { commitSha1, gitBlobSha1 } from "./blob";
import { TEMPLATES } from "./content";
import type { Rng } from "./prng";

/**
 * The generated git history: for each repository, every commit with the
 * full tree it leaves behind (path → blob), the text of every blob, and an
 * index of which blobs ever existed at which path — what the git indexer
 * would record in code_blobs.
 */
export type RepoName = "infra" | "app";
export const REPO_NAMES: readonly RepoName[] = ["infra", "app"];

export interface Commit {
  repo: RepoName;
  sha: string;
  parent: string | undefined;
  time: number;
  author: string;
  message: string;
  tree: ReadonlyMap<string, string>;
  /** What this commit changed (all files for the initial snapshot). */
  files: Array<{ path: string; blob: string }>;
}

export class Blobs {
  private readonly texts = new Map<string, string>();
  put(content: string): string {
    const blob = gitBlobSha1(content);
    this.texts.set(blob, content);
    return blob;
  }
  text(blob: string): string {
    const text = this.texts.get(blob);
    if (text === undefined) throw new Error(`demo: unknown blob ${blob}`);
    return text;
  }
}

export class Repo {
  readonly commits: Commit[] = [];
  /** path → blob → time of the first commit that held it. */
  private readonly held = new Map<string, Map<string, number>>();

  constructor(
    readonly name: RepoName,
    private readonly blobs: Blobs,
  ) {}

  /** The repository as it stood before the simulated window: one snapshot commit. */
  init(rng: Rng, time: number): Commit {
    const changes = new Map<string, string>();
    for (const [key, template] of Object.entries(TEMPLATES)) {
      if (key.startsWith(`${this.name}/`)) changes.set(key.slice(this.name.length + 1), template(rng));
    }
    return this.commit(changes, { time, author: `initial-import@demo.example.com`, message: "import" });
  }

  head(): Commit {
    const last = this.commits[this.commits.length - 1];
    if (last === undefined) throw new Error(`demo: repository ${this.name} has no commits`);
    return last;
  }

  paths(): string[] {
    return [...this.head().tree.keys()];
  }

  contentAt(path: string): string {
    const blob = this.head().tree.get(path);
    if (blob === undefined) throw new Error(`demo: ${this.name} has no ${path}`);
    return this.blobs.text(blob);
  }

  commit(changes: ReadonlyMap<string, string>, meta: { time: number; author: string; message: string }): Commit {
    const parent = this.commits[this.commits.length - 1];
    const tree = new Map(parent?.tree ?? []);
    const files: Commit["files"] = [];
    for (const [path, content] of changes) {
      const blob = this.blobs.put(content);
      if (tree.get(path) === blob) continue;
      tree.set(path, blob);
      files.push({ path, blob });
      let byBlob = this.held.get(path);
      if (byBlob === undefined) this.held.set(path, (byBlob = new Map()));
      if (!byBlob.has(blob)) byBlob.set(blob, meta.time);
    }
    const sha = commitSha1([this.name, parent?.sha ?? "", meta.author, String(meta.time), meta.message, ...files.map((f) => `${f.path} ${f.blob}`)]);
    const commit: Commit = { repo: this.name, sha, parent: parent?.sha, tree, files, ...meta };
    this.commits.push(commit);
    return commit;
  }

  /** When a commit first held this blob at this path, if ever. */
  heldSince(path: string, blob: string): number | undefined {
    return this.held.get(path)?.get(blob);
  }
}

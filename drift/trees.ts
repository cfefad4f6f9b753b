import { z } from "zod";
import type { Store } from "../store/open";
import { defineQuery } from "../store/query";

/**
 * What a commit's tree holds at a path, read from the repository graph the
 * git indexer recorded (`parents` of codebase.commit events → code_commits),
 * never from commit timestamps: two commits in the same second, or a release
 * branch cut weeks ago, have no usable order in time (issue #12, class 7).
 *
 * A commit event lists what the commit changed against its first parent
 * (merges too: the indexer diffs a merge against parents[0]), so the blob at
 * a path is the one set by the nearest commit on the first-parent chain that
 * touched the path; a snapshot commit lists its whole tree, so the walk stops
 * there. Answers: a blob, '' (the tree has no such path), or undefined (the
 * commit, or an ancestor the walk needs, is not indexed yet).
 */
const graphQuery = defineQuery({
  name: "drift.tree_graph",
  params: z.object({ repos: z.array(z.string()) }),
  row: z.object({ repo: z.string(), commit: z.string(), parent: z.string(), snapshot: z.coerce.number().int() }),
  sql: (t) => `
    SELECT toString(repo) AS repo, commit, any(parents[1]) AS parent, max(toUInt8(snapshot)) AS snapshot
    FROM ${t.code_commits} WHERE has({repos:Array(String)}, toString(repo)) GROUP BY repo, commit`,
});

const touchedQuery = defineQuery({
  name: "drift.tree_touched",
  params: z.object({ repos: z.array(z.string()), paths: z.array(z.string()) }),
  row: z.object({ repo: z.string(), path: z.string(), commit: z.string(), blob: z.string() }),
  sql: (t) => `
    SELECT toString(repo) AS repo, path, commit, blob FROM ${t.code_blobs}
    WHERE (toString(repo), path) IN (SELECT arrayJoin(arrayZip({repos:Array(String)}, {paths:Array(String)})))
    UNION ALL
    SELECT toString(repo) AS repo, path, commit, '' AS blob FROM ${t.code_deletes}
    WHERE (toString(repo), path) IN (SELECT arrayJoin(arrayZip({repos:Array(String)}, {paths:Array(String)})))`,
});

const key = (...parts: string[]) => parts.join("\u0000");

export interface TreeNeed {
  repo: string;
  path: string;
}

export class TreeIndex {
  private readonly memo = new Map<string, string | undefined>();

  private constructor(
    /** repo+commit → first parent ('' for a root commit). */
    private readonly parents: ReadonlyMap<string, string>,
    private readonly snapshots: ReadonlySet<string>,
    /** repo+path → commit → blob ('' = deleted). */
    private readonly touched: ReadonlyMap<string, ReadonlyMap<string, string>>,
    /** repo+commit → path → blob: the same rows by commit, for one walk resolving many paths. */
    private readonly byCommit: ReadonlyMap<string, ReadonlyMap<string, string>>,
  ) {}

  /** Loads the graph of the repositories named and the history of the paths named. */
  static async load(store: Store, needs: readonly TreeNeed[]): Promise<TreeIndex> {
    const pairs = [...new Map(needs.map((n) => [key(n.repo, n.path), n])).values()];
    const repos = [...new Set(pairs.map((p) => p.repo))];
    const parents = new Map<string, string>();
    const snapshots = new Set<string>();
    const touched = new Map<string, Map<string, string>>();
    const byCommit = new Map<string, Map<string, string>>();
    if (repos.length === 0) return new TreeIndex(parents, snapshots, touched, byCommit);
    for (const r of await graphQuery(store, { repos })) {
      parents.set(key(r.repo, r.commit), r.parent);
      if (r.snapshot === 1) snapshots.add(key(r.repo, r.commit));
    }
    const CHUNK = 5000;
    for (let i = 0; i < pairs.length; i += CHUNK) {
      const part = pairs.slice(i, i + CHUNK);
      const rows = await touchedQuery(store, { repos: part.map((p) => p.repo), paths: part.map((p) => p.path) });
      for (const r of rows) {
        const k = key(r.repo, r.path);
        // A commit listed twice (regular event and snapshot) holds one blob there; a delete never coexists with a blob in one commit.
        const paths = touched.get(k) ?? new Map<string, string>();
        if (!paths.has(r.commit) || r.blob !== "") paths.set(r.commit, r.blob);
        touched.set(k, paths);
        const ck = key(r.repo, r.commit);
        const inCommit = byCommit.get(ck) ?? new Map<string, string>();
        if (!inCommit.has(r.path) || r.blob !== "") inCommit.set(r.path, r.blob);
        byCommit.set(ck, inCommit);
      }
    }
    return new TreeIndex(parents, snapshots, touched, byCommit);
  }

  /** The blob at `path` in `commit`'s tree: '' when absent, undefined when the graph is incomplete. */
  blobAt(repo: string, commit: string, path: string): string | undefined {
    const history = this.touched.get(key(repo, path));
    const walked: string[] = [];
    let at = commit;
    let answer: string | undefined;
    for (;;) {
      const memoKey = key(repo, at, path);
      if (this.memo.has(memoKey)) {
        answer = this.memo.get(memoKey);
        break;
      }
      walked.push(memoKey);
      const blob = history?.get(at);
      if (blob !== undefined) {
        answer = blob;
        break;
      }
      if (this.snapshots.has(key(repo, at))) {
        answer = "";
        break;
      }
      const parent = this.parents.get(key(repo, at));
      if (parent === undefined) {
        answer = undefined;
        break;
      }
      if (parent === "") {
        answer = "";
        break;
      }
      at = parent;
    }
    // Every commit walked through has the same answer: the next lookup from a descendant stops early.
    for (const k of walked) this.memo.set(k, answer);
    return answer;
  }

  /**
   * Many paths of one commit's tree in one walk down its first-parent chain
   * (the gate asks for every open edit's path at the release commit).
   * Undefined when the graph is incomplete for a path still open.
   */
  treeAt(repo: string, commit: string, paths: readonly string[]): Map<string, string> | undefined {
    const out = new Map<string, string>();
    const open = new Set(paths);
    let at = commit;
    while (open.size > 0) {
      const changed = this.byCommit.get(key(repo, at));
      if (changed !== undefined) {
        for (const p of [...open]) {
          const blob = changed.get(p);
          if (blob === undefined) continue;
          out.set(p, blob);
          open.delete(p);
        }
      }
      if (open.size === 0) break;
      const parent = this.parents.get(key(repo, at));
      if (this.snapshots.has(key(repo, at)) || parent === "") {
        for (const p of open) out.set(p, "");
        break;
      }
      if (parent === undefined) return undefined;
      at = parent;
    }
    return out;
  }
}

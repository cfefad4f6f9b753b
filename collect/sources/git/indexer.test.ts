import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../../lib/log";
import { parseEvent, type AuditEvent, type EventOf } from "../../../schemas";
import { GitIndexer, type GitIndexerOptions } from ".";

let dir: string;
let repo: string;
let state: string;
let emitted: EventOf<"codebase.commit">[];
let tick = 0;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "gitidx-"));
  repo = join(dir, "infra");
  state = join(dir, "state");
  await mkdir(repo);
  g(repo, "init", "-q", "-b", "main");
  emitted = [];
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** git in `cwd` with a fixed identity and a committer clock that advances one minute per commit. */
function g(cwd: string, ...args: string[]): string {
  const date = new Date(Date.UTC(2026, 10, 1, 12, tick)).toISOString();
  return execFileSync("git", args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, GIT_AUTHOR_NAME: "Alice", GIT_AUTHOR_EMAIL: "alice@example.com", GIT_COMMITTER_NAME: "Alice", GIT_COMMITTER_EMAIL: "alice@example.com", GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
  }).trim();
}

async function commit(cwd: string, message: string, edit: () => Promise<void>): Promise<string> {
  await edit();
  g(cwd, "add", "-A");
  tick += 1;
  g(cwd, "commit", "-q", "--allow-empty", "-m", message);
  return g(cwd, "rev-parse", "HEAD");
}

const hashOf = (path: string) => execFileSync("git", ["hash-object", path], { encoding: "utf8" }).trim();

async function indexer(overrides: Partial<GitIndexerOptions> = {}): Promise<GitIndexer> {
  return GitIndexer.open({
    repos: [{ name: "infra", path: repo, branches: ["main"] }],
    stateDir: state,
    host: "ci-01",
    env: "codebase",
    log: createLogger("git-test", "silent"),
    emit: async (events: AuditEvent[]) => {
      for (const e of events) {
        expect(parseEvent(JSON.parse(JSON.stringify(e))).ok).toBe(true);
        if (e.type !== "codebase.commit") throw new Error(`unexpected ${e.type}`);
        emitted.push(e);
      }
    },
    ...overrides,
  });
}

const commitsOnly = () => emitted.filter((e) => !e.snapshot);

describe("GitIndexer", () => {
  it("snapshot plus every commit oldest first, with blobs equal to git hash-object; renames are delete + add", async () => {
    const a = join(repo, "nginx", "nginx.conf");
    const b = join(repo, "app", "b.txt");
    const bin = join(repo, "logo.bin");
    const c1 = await commit(repo, "add", async () => {
      await mkdir(join(repo, "nginx"));
      await mkdir(join(repo, "app"));
      await writeFile(a, "worker_processes 4;\n");
      await writeFile(b, "bee\n");
    });
    const hA1 = hashOf(a);
    const hB = hashOf(b);
    const c2 = await commit(repo, "edit + binary", async () => {
      await writeFile(a, "worker_processes 8;\n");
      await writeFile(bin, Buffer.from([0, 1, 2, 255, 0]));
    });
    const hA2 = hashOf(a);
    const hBin = hashOf(bin);
    const c3 = await commit(repo, "rename", async () => {
      g(repo, "mv", "app/b.txt", "app/c.txt");
    });
    const c4 = await commit(repo, "delete", async () => {
      await rm(a);
    });

    const ix = await indexer();
    const stats = await ix.indexAll();
    expect(stats.commits).toBe(4);
    const snap = emitted.filter((e) => e.snapshot);
    expect(snap).toHaveLength(1);
    expect(snap[0]).toMatchObject({ commit: c4, snapshot: true, attribution_method: "none", actor_kind: "service" });
    expect(snap[0]?.files.sort((x, y) => x.path.localeCompare(y.path))).toEqual([
      { path: "app/c.txt", blob: hB },
      { path: "logo.bin", blob: hBin },
    ]);
    const cs = commitsOnly();
    expect(cs.map((e) => e.commit)).toEqual([c1, c2, c3, c4]);
    expect(cs[0]).toMatchObject({ actor_id: "alice@example.com", actor_kind: "human", attribution_method: "git-author", channel: "git", branch: "main", parents: [], occurred_at: "2026-11-01T12:01:00.000Z" });
    expect(cs[0]?.files).toEqual(expect.arrayContaining([{ path: "nginx/nginx.conf", blob: hA1 }, { path: "app/b.txt", blob: hB }]));
    expect(cs[1]?.files).toEqual(expect.arrayContaining([{ path: "nginx/nginx.conf", blob: hA2 }, { path: "logo.bin", blob: hBin }]));
    expect(cs[1]?.parents).toEqual([c1]);
    expect(cs[2]?.files).toEqual(expect.arrayContaining([{ path: "app/b.txt", blob: "" }, { path: "app/c.txt", blob: hB }]));
    expect(cs[3]?.files).toEqual([{ path: "nginx/nginx.conf", blob: "" }]);
    expect(new Set(emitted.map((e) => e.event_id)).size).toBe(emitted.length);
    await ix.close();
  });

  it("indexes incrementally, across restarts, without re-emitting", async () => {
    await commit(repo, "one", () => writeFile(join(repo, "f"), "1\n"));
    const ix = await indexer();
    await ix.indexAll();
    expect(commitsOnly()).toHaveLength(1);
    const c2 = await commit(repo, "two", () => writeFile(join(repo, "f"), "2\n"));
    await ix.indexAll();
    expect(commitsOnly().map((e) => e.commit).at(-1)).toBe(c2);
    expect(commitsOnly()).toHaveLength(2);
    await ix.indexAll();
    expect(commitsOnly()).toHaveLength(2);
    await ix.close();
    const again = await indexer();
    expect((await again.indexAll()).events).toBe(0);
    expect(emitted.filter((e) => e.snapshot)).toHaveLength(1);
  });

  it("after a force-push indexes only the new commits", async () => {
    const c1 = await commit(repo, "base", () => writeFile(join(repo, "f"), "base\n"));
    await commit(repo, "doomed", () => writeFile(join(repo, "f"), "doomed\n"));
    const ix = await indexer();
    await ix.indexAll();
    g(repo, "reset", "-q", "--hard", c1);
    const c3 = await commit(repo, "rewritten", () => writeFile(join(repo, "f"), "rewritten\n"));
    emitted = [];
    await ix.indexAll();
    expect(commitsOnly().map((e) => e.commit)).toEqual([c3]);
    await ix.close();
  });

  it("fetches from the remote and indexes the remote branch; merges list the files they brought", async () => {
    const origin = join(dir, "origin.git");
    const work = join(dir, "work");
    execFileSync("git", ["init", "-q", "--bare", "-b", "main", origin]);
    execFileSync("git", ["clone", "-q", origin, work]);
    await commit(work, "one", () => writeFile(join(work, "f"), "1\n"));
    g(work, "push", "-q", "origin", "main");
    await rm(repo, { recursive: true });
    execFileSync("git", ["clone", "-q", origin, repo]);
    const ix = await indexer();
    await ix.indexAll();
    expect(commitsOnly()).toHaveLength(1);
    // Someone pushes a feature branch merge.
    g(work, "checkout", "-q", "-b", "feature");
    await commit(work, "feature", () => writeFile(join(work, "g"), "feature\n"));
    g(work, "checkout", "-q", "main");
    await commit(work, "main side", () => writeFile(join(work, "h"), "main\n"));
    tick += 1;
    g(work, "merge", "-q", "--no-edit", "feature");
    g(work, "push", "-q", "origin", "main");
    await ix.indexAll();
    const cs = commitsOnly();
    expect(cs).toHaveLength(4);
    const merge = cs.at(-1);
    expect(merge?.parents).toHaveLength(2);
    expect(merge?.files).toEqual([{ path: "g", blob: hashOf(join(work, "g")) }]);
    await ix.close();
  });

  it("splits a commit touching more paths than the per-event limit into events with distinct ids", async () => {
    await commit(repo, "many", async () => {
      for (let i = 0; i < 5; i++) await writeFile(join(repo, `f${i}`), `${i}\n`);
    });
    const ix = await indexer({ maxFilesPerEvent: 2 });
    await ix.indexAll();
    const cs = commitsOnly();
    expect(cs).toHaveLength(3);
    expect(cs.map((e) => e.labels.part)).toEqual(["1/3", "2/3", "3/3"]);
    expect(cs.flatMap((e) => e.files)).toHaveLength(5);
    expect(new Set(cs.map((e) => e.event_id)).size).toBe(3);
    expect(emitted.filter((e) => e.snapshot)).toHaveLength(3);
    await ix.close();
  });

  it("keeps a path that looks like a commit id as a path, and clamps a pre-2000 committer date", async () => {
    const odd = "0123456789abcdef0123456789abcdef01234567";
    await writeFile(join(repo, odd), "odd\n");
    g(repo, "add", "-A");
    execFileSync("git", ["commit", "-q", "-m", "old"], {
      cwd: repo,
      env: { ...process.env, GIT_AUTHOR_NAME: "Old", GIT_AUTHOR_EMAIL: "old@example.com", GIT_COMMITTER_NAME: "Old", GIT_COMMITTER_EMAIL: "old@example.com", GIT_AUTHOR_DATE: "1995-01-01T00:00:00Z", GIT_COMMITTER_DATE: "1995-01-01T00:00:00Z" },
    });
    const ix = await indexer();
    await ix.indexAll();
    const [c] = commitsOnly();
    expect(c?.files).toEqual([{ path: odd, blob: hashOf(join(repo, odd)) }]);
    expect(c?.occurred_at).toBe("2000-01-01T00:00:00.000Z");
    expect(c?.labels.committer_date).toBe("1995-01-01T00:00:00+00:00");
    await ix.close();
  });
});

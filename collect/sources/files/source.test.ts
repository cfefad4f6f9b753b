import { execFileSync } from "node:child_process";
import { appendFile, chmod, mkdir, mkdtemp, rm, symlink, writeFile, rename } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../../lib/log";
import { parseEvent, type AuditEvent, type EventOf } from "../../../schemas";
import { FilesSource, type FilesSourceOptions } from ".";

let dir: string;
let root: string;
let state: string;
let emitted: EventOf<"change.file">[];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "fim-"));
  root = join(dir, "etc");
  state = join(dir, "state");
  await mkdir(join(root, "nginx", "conf.d"), { recursive: true });
  emitted = [];
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function gitHash(path: string): string {
  return execFileSync("git", ["hash-object", "--no-filters", path], { encoding: "utf8" }).trim();
}

async function openSource(overrides: Partial<FilesSourceOptions> = {}): Promise<FilesSource> {
  return FilesSource.open({
    roots: [root],
    stateDir: state,
    host: "web-01",
    env: "prod",
    watch: false,
    log: createLogger("fim-test", "silent"),
    emit: async (events: AuditEvent[]) => {
      for (const e of events) {
        expect(parseEvent(JSON.parse(JSON.stringify(e))).ok).toBe(true);
        if (e.type !== "change.file") throw new Error(`unexpected ${e.type}`);
        emitted.push(e);
      }
    },
    ...overrides,
  });
}

const byPath = (path: string) => emitted.filter((e) => e.path === path);

describe("FilesSource", () => {
  it("create, modify, chmod and delete carry git blob hashes, mode, owner and line counts", async () => {
    const conf = join(root, "nginx", "nginx.conf");
    await writeFile(conf, "user www-data;\nworker_processes 4;\n");
    const src = await openSource({ reportInitial: true });
    await src.scan();
    const created = byPath(conf)[0];
    expect(created).toMatchObject({ op: "create", after_hash: gitHash(conf), diff_added: 2, diff_removed: 0, size: 35 });
    expect(created?.before_hash).toBeUndefined();
    expect(created).toMatchObject({ actor_id: "unknown", actor_kind: "unknown", attribution_method: "none", attribution_confidence: 0, channel: "unknown" });
    expect(created?.owner).toBe(execFileSync("id", ["-un"], { encoding: "utf8" }).trim());

    const v1 = gitHash(conf);
    await writeFile(conf, "user www-data;\nworker_processes 8;\n# hotfix\n");
    await src.examinePaths([conf]);
    expect(byPath(conf)[1]).toMatchObject({ op: "modify", before_hash: v1, after_hash: gitHash(conf), diff_added: 2, diff_removed: 1 });

    await chmod(conf, 0o600);
    await src.examinePaths([conf]);
    expect(byPath(conf)[2]).toMatchObject({ op: "chmod", mode: "0600", before_hash: gitHash(conf), after_hash: gitHash(conf) });

    const v2 = gitHash(conf);
    await rm(conf);
    await src.examinePaths([conf]);
    expect(byPath(conf)[3]).toMatchObject({ op: "delete", before_hash: v2, diff_added: 0, diff_removed: 3 });
    expect(byPath(conf)[3]?.after_hash).toBeUndefined();
    await src.close();
  });

  it("reports edits made while it was stopped, with the right before and after hashes", async () => {
    const a = join(root, "a.conf");
    const b = join(root, "nginx", "b.conf");
    const c = join(root, "nginx", "conf.d", "c.conf");
    await writeFile(a, "alpha\n");
    await writeFile(b, "bravo\n");
    await writeFile(c, "charlie\n");
    const first = await openSource();
    await first.scan();
    expect(emitted).toEqual([]); // first run: the tree is the baseline
    await first.close();
    const [ha, hc] = [gitHash(a), gitHash(c)];

    // Collector down: edit, delete, create, chmod, and an edit that keeps size and mtime.
    await appendFile(a, "beta\n");
    await rm(c);
    const d = join(root, "nginx", "conf.d", "d.conf");
    await writeFile(d, "delta\n");
    await chmod(b, 0o640);

    const second = await openSource();
    await second.scan();
    expect(byPath(a)).toMatchObject([{ op: "modify", before_hash: ha, after_hash: gitHash(a), diff_added: 1, diff_removed: 0 }]);
    expect(byPath(c)).toMatchObject([{ op: "delete", before_hash: hc }]);
    expect(byPath(d)).toMatchObject([{ op: "create", after_hash: gitHash(d) }]);
    expect(byPath(b)).toMatchObject([{ op: "chmod", mode: "0640" }]);
    expect(emitted).toHaveLength(4);
    await second.close();

    // Nothing changed: a third start reports nothing.
    emitted = [];
    const third = await openSource();
    await third.scan();
    expect(emitted).toEqual([]);
    await third.close();
  });

  it("a crash before the baseline was saved re-reports the same change with the same event id", async () => {
    const a = join(root, "a.conf");
    await writeFile(a, "one\n");
    const s1 = await openSource();
    await s1.scan();
    await s1.close();
    await writeFile(a, "two\n");
    let failOnce = true;
    const s2 = await openSource({
      emit: async (events) => {
        emitted.push(...events.filter((e): e is EventOf<"change.file"> => e.type === "change.file"));
        if (failOnce) {
          failOnce = false;
          throw new Error("spool full");
        }
      },
    });
    await expect(s2.scan()).rejects.toThrow("spool full");
    await s2.scan();
    expect(emitted).toHaveLength(2);
    expect(emitted[0]?.event_id).toBe(emitted[1]?.event_id);
    await s2.close();
  });

  it("records symlinks as links (git's hash of the target) and never follows them out of the root", async () => {
    const outside = join(dir, "outside");
    await mkdir(outside);
    await writeFile(join(outside, "secret"), "s3cret\n");
    await symlink(outside, join(root, "escape"));
    await symlink("/etc/passwd", join(root, "passwd-link"));
    const src = await openSource({ reportInitial: true });
    await src.scan();
    const link = byPath(join(root, "escape"))[0];
    const expected = execFileSync("git", ["hash-object", "--stdin"], { input: outside, encoding: "utf8" }).trim();
    expect(link).toMatchObject({ op: "create", after_hash: expected, labels: { file_kind: "symlink" } });
    expect(emitted.some((e) => e.path.includes("secret") || e.path.startsWith(outside))).toBe(false);
    // A watch event naming a path through the link is ignored too.
    await writeFile(join(outside, "secret"), "changed\n");
    expect(await src.examinePaths([join(root, "escape", "secret")])).toBe(0);
    await src.close();
  });

  it("binary files get hashes but no line counts; large files are streamed", async () => {
    const bin = join(root, "blob.bin");
    await writeFile(bin, Buffer.from([0, 1, 2, 3, 0, 255]));
    const big = join(root, "big.log");
    await writeFile(big, "x".repeat(3 * 1024 * 1024));
    const src = await openSource({ reportInitial: true, maxDiffBytes: 1024 * 1024 });
    await src.scan();
    expect(byPath(bin)[0]).toMatchObject({ after_hash: gitHash(bin) });
    expect(byPath(bin)[0]?.diff_added).toBeUndefined();
    expect(byPath(big)[0]).toMatchObject({ after_hash: gitHash(big), size: 3 * 1024 * 1024 });
    expect(byPath(big)[0]?.diff_added).toBeUndefined();
    await src.close();
  });

  it("include/exclude globs choose the files; rename is reported as delete + create", async () => {
    await writeFile(join(root, "nginx", "keep.conf"), "k\n");
    await writeFile(join(root, "nginx", ".keep.conf.swp"), "swap\n");
    await writeFile(join(root, "nginx", "notes.txt"), "n\n");
    const src = await openSource({ reportInitial: true, include: ["**/*.conf"], exclude: ["*.swp"] });
    await src.scan();
    expect(emitted.map((e) => e.path)).toEqual([join(root, "nginx", "keep.conf")]);
    await rename(join(root, "nginx", "keep.conf"), join(root, "nginx", "moved.conf"));
    await src.examinePaths([join(root, "nginx", "keep.conf"), join(root, "nginx", "moved.conf")]);
    expect(emitted.slice(1).map((e) => [e.op, e.path]).sort()).toEqual([["create", join(root, "nginx", "moved.conf")], ["delete", join(root, "nginx", "keep.conf")]]);
    await src.close();
  });

  it("live: fs.watch notices a change without a rescan", async () => {
    const conf = join(root, "nginx", "live.conf");
    await writeFile(conf, "a\n");
    const src = await openSource({ watch: true, debounceMs: 50 });
    await src.start();
    await writeFile(conf, "a\nb\n");
    for (let i = 0; i < 200 && byPath(conf).length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(byPath(conf)[0]).toMatchObject({ op: "modify", after_hash: gitHash(conf), diff_added: 1 });
    await src.close();
  });

  it("live: four writes including an atomic-rename install (mv tmp a.conf) are four events, each seen while watching", async () => {
    const conf = join(root, "nginx", "a.conf");
    await writeFile(conf, "v0\n");
    const src = await openSource({ watch: true, debounceMs: 50 });
    await src.start();
    // Each write waits until the watcher reported the one before (up to 5 s of slack on a loaded machine), so the
    // four changes are four events rather than one coalesced change; a missed write fails the count below.
    const reported = async (n: number) => {
      for (let i = 0; i < 200 && byPath(conf).length < n; i++) await new Promise((r) => setTimeout(r, 25));
      return byPath(conf).length;
    };
    await writeFile(conf, "v1\n");
    expect(await reported(1)).toBe(1);
    await writeFile(join(root, "nginx", ".a.conf.tmp"), "v2\n");
    await rename(join(root, "nginx", ".a.conf.tmp"), conf);
    expect(await reported(2)).toBe(2);
    await writeFile(conf, "v3\n"); // in place, on the inode the rename put there
    expect(await reported(3)).toBe(3);
    await appendFile(conf, "v4\n");
    expect(await reported(4)).toBe(4);
    await src.close();
    expect(byPath(conf).map((e) => e.after_hash)).toEqual([...new Set(byPath(conf).map((e) => e.after_hash))]);
    expect(byPath(conf).at(-1)?.after_hash).toBe(gitHash(conf));
  });

  it("keeps the redacted content of opted-in text files, bounded, and says when it could not", async () => {
    const kept = join(root, "nginx", "kept.conf");
    const secret = join(root, "nginx", "db.conf");
    const big = join(root, "nginx", "big.conf");
    const elsewhere = join(root, "other.conf");
    await writeFile(kept, "worker_processes 4;\n");
    await writeFile(secret, "url=postgres://app:S3cretPass@db/prod\n");
    await writeFile(big, "x".repeat(20_000));
    await writeFile(elsewhere, "not opted in\n");
    const src = await openSource({ reportInitial: true, keepContent: { paths: [`${join(root, "nginx")}/`], maxBytes: 16_384 } });
    await src.scan();
    expect(byPath(kept)[0]).toMatchObject({ raw: "worker_processes 4;\n", labels: { kept: "content" } });
    expect(byPath(secret)[0]?.labels).toEqual({ kept: "redacted" });
    expect(byPath(secret)[0]?.raw).not.toContain("S3cretPass");
    expect(byPath(big)[0]).toMatchObject({ labels: { kept: "too-large" } });
    expect(byPath(big)[0]?.raw).toBeUndefined();
    expect(byPath(elsewhere)[0]?.raw).toBeUndefined();
    expect(byPath(elsewhere)[0]?.labels?.kept).toBeUndefined();
    await src.close();
  });

  it("rescans on shutdown: a change the watcher has not delivered yet is reported by close()", async () => {
    const conf = join(root, "nginx", "late.conf");
    await writeFile(conf, "a\n");
    // A debounce longer than the test: only the shutdown rescan can report the write.
    const src = await openSource({ watch: true, debounceMs: 600_000 });
    await src.start();
    await writeFile(conf, "a\nb\n");
    await src.close();
    expect(byPath(conf)).toEqual([expect.objectContaining({ op: "modify", after_hash: gitHash(conf) })]);
  });

  it("a tree of 3,000 files: baseline silently, then exactly the three edits", async () => {
    for (let d = 0; d < 30; d++) {
      const sub = join(root, "tree", `d${d}`);
      await mkdir(sub, { recursive: true });
      await Promise.all(Array.from({ length: 100 }, (_, f) => writeFile(join(sub, `f${f}.conf`), `value ${d}.${f}\n`)));
    }
    const src = await openSource();
    const first = await src.scan();
    expect(first.files).toBe(3000);
    expect(emitted).toEqual([]);
    await writeFile(join(root, "tree", "d3", "f7.conf"), "edited\n");
    await writeFile(join(root, "tree", "d29", "f99.conf"), "edited\n");
    await rm(join(root, "tree", "d0", "f0.conf"));
    const second = await src.scan();
    expect(second.hashed).toBe(2); // unchanged files are not re-read
    expect(emitted.map((e) => e.op).sort()).toEqual(["delete", "modify", "modify"]);
    await src.close();
  });
});

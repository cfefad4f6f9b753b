import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFile, mkdir, readFile, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { AuditEvent } from "../../schemas";
import { openTestStore, type TestStore } from "../../test/store";
import { importPublicKey, verifyChain } from "../sign";
import { PasswdFile } from "../sources/auditd/passwd";
import { startAgent } from "./agent";
import { runOnce, type RunOnceOptions } from "./run-once";
import { agentConfig, gateway, quiet, stream, tempDir, waitFor } from "./testing";

/**
 * Every configured source in one daemon over the fixture logs: what reaches
 * the store equals what run-once prints for the same files (same ids, same
 * attribution), plus live file edits and git commits — one signed chain.
 */
const DATA = join(import.meta.dirname, "..", "sources", "testdata");
const BREAK_GLASS = ["secret/data/breakglass/*", "database/creds/prod-admin"];
/** Not this machine's /etc/passwd: the daemon and run-once name uids from the same file. */
const PASSWD = join(DATA, "constructed", "passwd");

let store: TestStore;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(async () => {
  await store.drop();
});

async function once(collector: string, o: Omit<RunOnceOptions, "ctx" | "emit">): Promise<AuditEvent[]> {
  const out: AuditEvent[] = [];
  const passwd = new PasswdFile({ path: PASSWD, getent: null });
  const ctx = { collectorId: collector, host: "web-01", env: "prod", now: () => new Date(), resolveUid: (uid: number) => passwd.name(uid) };
  await runOnce({ ...o, ctx, emit: async (e) => void out.push(...e) });
  return out;
}

const pick = (events: readonly AuditEvent[]): Array<{ id: string; actor: string }> =>
  events.map((e) => ({ id: e.event_id, actor: e.actor_id })).sort((a, b) => a.id.localeCompare(b.id));

describe("collector daemon: all sources", () => {
  it("auditd, packages (dpkg + apt), vault, files and git reach the store as run-once sees them, in one chain", async () => {
    const dir = await tempDir("all");
    for (const f of ["audit.log", "dpkg.log", "apt-history.log", "vault-audit.jsonl"]) await copyFile(join(DATA, f), join(dir, f));
    // A 2005 /var/log/messages as it sits on disk: its mtime is the only clue to the year of its lines.
    await copyFile(join(DATA, "real", "loghub-linux-2k.log"), join(dir, "messages"));
    await utimes(join(dir, "messages"), new Date("2005-07-27T14:42:00Z"), new Date("2005-07-27T14:42:00Z"));
    const etc = join(dir, "etc");
    await mkdir(etc);
    await writeFile(join(etc, "nginx.conf"), "worker_processes 2;\n");
    const repo = join(dir, "repo");
    const git = (...args: string[]): string => execFileSync("git", ["-C", repo, ...args], { encoding: "utf8", env: { ...process.env, GIT_AUTHOR_NAME: "a", GIT_AUTHOR_EMAIL: "alice@example.com", GIT_COMMITTER_NAME: "a", GIT_COMMITTER_EMAIL: "alice@example.com" } });
    await mkdir(repo);
    git("init", "-q", "-b", "main");
    await writeFile(join(repo, "nginx.conf"), "worker_processes 4;\n");
    git("add", ".");
    git("commit", "-q", "-m", "nginx");

    const serve = await gateway(store);
    const collector = `all-${Date.now()}`;
    const config = agentConfig(dir, serve.url, collector, {
      sources: {
        auth: { paths: [join(dir, "messages")], time_zone: "UTC" },
        auditd: { paths: [join(dir, "audit.log")], passwd_file: PASSWD },
        packages: { dpkg_log: join(dir, "dpkg.log"), apt_history: join(dir, "apt-history.log") },
        vault: { paths: [join(dir, "vault-audit.jsonl")], break_glass_paths: BREAK_GLASS },
        files: { roots: [etc] },
        git: { repos: [{ name: "infra", path: repo, branches: ["main"] }] },
      },
    });
    const auditd = await once(collector, { source: "auditd", file: join(dir, "audit.log") });
    const vault = await once(collector, { source: "vault", file: join(dir, "vault-audit.jsonl"), breakGlass: BREAK_GLASS });
    const packages = await once(collector, { source: "packages", file: join(dir, "dpkg.log"), aptHistory: join(dir, "apt-history.log") });
    expect(auditd.length * vault.length * packages.length).toBeGreaterThan(0);

    const agent = await startAgent(config, { log: quiet, pollIntervalMs: 50 });
    let stopped = false;
    try {
      const ofType = async (type: string): Promise<AuditEvent[]> => (await stream(store, collector)).filter((e) => e.type === type);
      await waitFor("git snapshot and commit", async () => ((await ofType("codebase.commit")).length >= 2 ? true : undefined));
      // The files baseline is taken silently at first start; a later edit is reported with both blob hashes.
      await waitFor("files baseline", () => (agent.stats().sources.files ? true : undefined));
      await new Promise((r) => setTimeout(r, 300));
      await writeFile(join(etc, "nginx.conf"), "worker_processes 8;\n");
      const [edit] = await waitFor("file edit", async () => {
        // auditd's fixture has change.file events too; the files source's are the ones under `etc`.
        const got = (await ofType("change.file")).filter((e) => e.type === "change.file" && e.path === join(etc, "nginx.conf"));
        return got.length > 0 ? got : undefined;
      });
      expect(edit).toMatchObject({ op: "modify", path: join(etc, "nginx.conf"), before_hash: blobOf("worker_processes 2;\n"), after_hash: blobOf("worker_processes 8;\n") });

      // dpkg events without an apt stanza stay held (1 h) until shutdown flushes them.
      expect(await agent.stop("test")).toBe(true);
      stopped = true;
      const stored = await stream(store, collector);
      const byIds = (ids: AuditEvent[]): AuditEvent[] => stored.filter((e) => ids.some((x) => x.event_id === e.event_id));
      expect(pick(byIds(auditd))).toEqual(pick(auditd));
      expect(pick(byIds(vault))).toEqual(pick(vault));
      expect(pick(byIds(packages))).toEqual(pick(packages));
      expect(packages.some((e) => e.actor_id === "alice")).toBe(true);
      expect(auditd.some((e) => e.actor_id === "andrew_kroh")).toBe(true);
      const auth = stored.filter((e) => e.labels.time_inferred === "year");
      expect(auth.length).toBeGreaterThan(500);
      expect(auth.filter((e) => !e.occurred_at.startsWith("2005-"))).toEqual([]);
      expect(stored.map((e) => e.seq)).toEqual(stored.map((_, i) => i));
      expect(verifyChain(stored, importPublicKey(agent.publicKeyPem)).results.filter((r) => r.status.kind !== "ok")).toEqual([]);
    } finally {
      if (!stopped) await agent.stop("test");
      await serve.close();
    }
  }, 60_000);
});

describe("collector daemon: journald directly", () => {
  it("follows `journalctl -o json`, keeps the cursor across restarts and reads nothing twice", async () => {
    const dir = await tempDir("journald");
    // No journald here: a stand-in journalctl that logs its arguments and prints a recorded
    // `journalctl -o json` (testdata/auth-journal.jsonl) after the cursor it is given, then follows.
    const fake = join(dir, "journalctl");
    const argsLog = join(dir, "args.log");
    await writeFile(fake, [
      "#!/usr/bin/env node",
      'const fs = require("node:fs");',
      `fs.appendFileSync(${JSON.stringify(argsLog)}, JSON.stringify(process.argv.slice(2)) + "\\n");`,
      `const lines = fs.readFileSync(${JSON.stringify(join(DATA, "auth-journal.jsonl"))}, "utf8").split("\\n").filter((l) => l !== "" && !l.startsWith("#"));`,
      'const after = process.argv.find((a) => a.startsWith("--after-cursor="))?.slice(15);',
      "const at = after === undefined ? 0 : lines.findIndex((l) => l.includes(JSON.stringify(after))) + 1;",
      'process.stdout.write(lines.slice(at).map((l) => l + "\\n").join(""));',
      "setInterval(() => {}, 1000);",
    ].join("\n"), { mode: 0o755 });
    const serve = await gateway(store);
    const collector = `journald-${Date.now()}`;
    const config = agentConfig(dir, serve.url, collector, { sources: { journald: { command: fake, start_at: "beginning", time_zone: "UTC" } } });
    try {
      const first = await startAgent(config, { log: quiet, pollIntervalMs: 50 });
      await waitFor("journal entries", async () => ((await stream(store, collector)).length >= 3 ? true : undefined));
      expect(await first.stop("test")).toBe(true);
      const second = await startAgent(config, { log: quiet, pollIntervalMs: 50 });
      await waitFor("second journalctl run", async () => ((await readFile(argsLog, "utf8")).trim().split("\n").length >= 2 ? true : undefined));
      expect(await second.stop("test")).toBe(true);

      const runs = (await readFile(argsLog, "utf8")).trim().split("\n").map((l) => z.array(z.string()).parse(JSON.parse(l)));
      expect(runs[0]).toEqual(["-o", "json", "--follow", "--no-pager", "--lines=all", "SYSLOG_FACILITY=4", "SYSLOG_FACILITY=10"]);
      expect(runs[1]).toContain("--after-cursor=s=6c1d;i=1a2d;b=9f;m=3;t=5f3;x=ac");
      const stored = await stream(store, collector);
      expect(stored.map((e) => e.type)).toEqual(["access.login", "access.privilege", "access.logout"]);
      expect(new Set(stored.map((e) => e.event_id)).size).toBe(3);
    } finally {
      await serve.close();
    }
  }, 60_000);
});

function blobOf(text: string): string {

  const b = Buffer.from(text);
  return createHash("sha1").update(`blob ${b.length}\0`).update(b).digest("hex");
}

import { execFile } from "node:child_process";
import { copyFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseEvent } from "../../schemas";
import { tempDir } from "./testing";

/** `prodtrail collect <source> --file F --stdout` as a user runs it: the real binary in a child process. */
const BIN = join(import.meta.dirname, "..", "..", "bin", "prodtrail");
const DATA = join(import.meta.dirname, "..", "sources", "testdata");
const run = promisify(execFile);

async function collect(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, "collect", ...args], { maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    const get = (k: string): unknown => Reflect.get(e, k);
    return { code: Number(get("code")), stdout: String(get("stdout") ?? ""), stderr: String(get("stderr") ?? "") };
  }
}

function events(stdout: string): unknown[] {
  return stdout.split("\n").filter(Boolean).map((l) => JSON.parse(l));
}

describe("prodtrail collect <source> --file F --stdout", () => {
  it("prints valid, unsigned v1 events for auth.log and a summary on stderr; .gz gives the same", async () => {
    const out = await collect("auth", "--file", join(DATA, "auth.log"), "--stdout", "--collector-id", "web-01", "--host", "web-01");
    expect(out.code).toBe(0);
    const printed = events(out.stdout);
    expect(printed.length).toBeGreaterThan(5);
    for (const e of printed) {
      const parsed = parseEvent(e);
      expect(parsed.ok).toBe(true);
      expect(e).not.toHaveProperty("sig");
      expect(e).not.toHaveProperty("seq");
    }
    expect(out.stderr).toMatch(new RegExp(`\\d+ lines, ${printed.length} events, \\d+ unparsed, \\d+ ignored`));
    const dir = await tempDir("gz");
    await writeFile(join(dir, "auth.log.2.gz"), gzipSync(readFileSync(join(DATA, "auth.log"))));
    const gz = await collect("auth", "--file", join(dir, "auth.log.2.gz"), "--stdout", "--collector-id", "web-01", "--host", "web-01");
    expect(gz.stdout).toBe(out.stdout);
  }, 30_000);

  it("signs with --sign --state-dir: seq from 0, and a second run continues the chain", async () => {
    const dir = await tempDir("sign");
    await copyFile(join(DATA, "audit.log"), join(dir, "audit.log"));
    const first = events((await collect("auditd", "--file", join(dir, "audit.log"), "--stdout", "--sign", "--state-dir", join(dir, "state"))).stdout);
    expect(first.length).toBeGreaterThan(0);
    expect(first.map((e) => (parseEvent(e).ok ? Reflect.get(Object(e), "seq") : "invalid"))).toEqual(first.map((_, i) => i));
    const second = events((await collect("auditd", "--file", join(dir, "audit.log"), "--stdout", "--sign", "--state-dir", join(dir, "state"))).stdout);
    expect(Reflect.get(Object(second[0]), "seq")).toBe(first.length);
  }, 30_000);

  it("reads a pretty-printed k8s EventList file, and fails clearly on an unreadable file", async () => {
    const dir = await tempDir("k8s");
    const items = readFileSync(join(DATA, "k8s-audit.jsonl"), "utf8").split("\n").flatMap((l) => {
      try {
        const v: unknown = JSON.parse(l);
        return typeof v === "object" && v !== null && Reflect.get(v, "kind") === "Event" ? [v] : [];
      } catch {
        return [];
      }
    });
    await writeFile(join(dir, "list.json"), JSON.stringify({ kind: "EventList", apiVersion: "audit.k8s.io/v1", items }, null, 2));
    const lines = await collect("k8s", "--file", join(DATA, "k8s-audit.jsonl"), "--stdout");
    const list = await collect("k8s", "--file", join(dir, "list.json"), "--stdout");
    expect(list.code).toBe(0);
    expect(events(list.stdout).length).toBeGreaterThan(0);
    // The same audit events, whether they came as JSON lines or as one EventList document.
    const ids = (s: string): string[] => events(s).map((e) => String(Reflect.get(Object(e), "event_id"))).sort();
    expect(ids(lines.stdout)).toEqual(expect.arrayContaining(ids(list.stdout)));
    const missing = await collect("auth", "--file", join(dir, "no-such.log"), "--stdout");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`cannot read ${join(dir, "no-such.log")}`);
    expect(missing.stdout).toBe("");
  }, 30_000);

  it("auditd --user-records reads user-space records (USER_CMD, USER_AUTH); without it they stay out", async () => {
    const file = join(DATA, "real", "auditd-user-records.log");
    const plain = await collect("auditd", "--file", file, "--stdout");
    const withUser = await collect("auditd", "--file", file, "--stdout", "--user-records");
    expect([plain.code, withUser.code]).toEqual([0, 0]);
    const types = (out: string) => events(out).map((e) => {
      const parsed = parseEvent(e);
      return parsed.ok ? parsed.event.type : "invalid";
    });
    expect(types(plain.stdout)).toEqual(["access.exec"]);
    expect(types(withUser.stdout)).toEqual(["access.privilege", "access.login_failed", "access.exec"]);
  });

  it("files --root reports every file as created with its git blob hash", async () => {
    const dir = await tempDir("files");
    await writeFile(join(dir, "nginx.conf"), "worker_processes 4;\n");
    const out = await collect("files", "--root", dir, "--stdout");
    expect(out.code).toBe(0);
    // `git hash-object` of "worker_processes 4;\n"
    const { createHash } = await import("node:crypto");
    const content = Buffer.from("worker_processes 4;\n");
    const blob = createHash("sha1").update(`blob ${content.length}\0`).update(content).digest("hex");
    expect(events(out.stdout)).toMatchObject([{ type: "change.file", op: "create", path: join(dir, "nginx.conf"), after_hash: blob }]);
  }, 30_000);
});

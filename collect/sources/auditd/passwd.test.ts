import { appendFile, copyFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runFixture, testContext } from "../testdata/load";
import { AuditdParser } from "./parser";
import { PasswdFile, PasswdFileError } from "./passwd";

const PASSWD = join(import.meta.dirname, "..", "testdata", "constructed", "passwd");
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe("auditd: uid → name through the host's passwd at collection time", () => {
  it("names the person behind a real RAW-format execve (go-libaudit's testdata), keeping the numeric ids", () => {
    const passwd = new PasswdFile({ path: PASSWD, getent: null });
    const [exec] = runFixture(new AuditdParser(testContext({ resolveUid: (uid) => passwd.name(uid) })), "real/go-libaudit-execve.log");
    expect(exec).toMatchObject({
      type: "access.exec",
      actor_id: "andrew_kroh",
      effective_user: "andrew_kroh",
      attribution_method: "auid",
      command: "grep --color=auto mapping",
      labels: { auid: "1000", euid: "1000", cwd: "/home/andrew_kroh" },
    });
  });

  it("re-reads the file when it changed, after the refresh interval (a user added since start)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "passwd-"));
    dirs.push(dir);
    const path = join(dir, "passwd");
    await copyFile(PASSWD, path);
    let now = 0;
    const passwd = new PasswdFile({ path, getent: null, refreshMs: 60_000, now: () => now });
    expect(passwd.name(1002)).toBeUndefined();
    await appendFile(path, "carol:x:1002:1002::/home/carol:/bin/bash\n");
    expect(passwd.name(1002)).toBeUndefined(); // cached: no re-read on every miss
    now = 61_000;
    expect(passwd.name(1002)).toBe("carol");
    expect(passwd.name(1000)).toBe("andrew_kroh");
  });

  it("fails with an error naming the file when it cannot be read or is not a passwd file", async () => {
    expect(() => new PasswdFile({ path: "/nonexistent/passwd", getent: null }).name(0)).toThrow(PasswdFileError);
    const dir = await mkdtemp(join(tmpdir(), "passwd-"));
    dirs.push(dir);
    await writeFile(join(dir, "bad"), "this is not a passwd file\n");
    expect(() => new PasswdFile({ path: join(dir, "bad"), getent: null }).name(0)).toThrow(/bad: line 1 is not `name:password:uid:gid:…`/);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { driftConfigSchema } from "../config/drift";
import { loadConfig } from "../config/load";
import { globToRegex, mapPath } from "./mappings";

const parse = (mappings: unknown[]) => driftConfigSchema.parse({ mappings }).mappings;

describe("drift path mappings", () => {
  it("turns host globs into anchored patterns", () => {
    const re = (g: string) => new RegExp(`^(?:${globToRegex(g)})$`);
    expect(re("web-*").test("web-12")).toBe(true);
    expect(re("web-*").test("xweb-1")).toBe(false);
    expect(re("db-?").test("db-1")).toBe(true);
    expect(re("db-?").test("db-10")).toBe(false);
    expect(re("lb-[ab]").test("lb-b")).toBe(true);
    expect(re("lb-[!ab]").test("lb-a")).toBe(false);
    expect(re("api.prod").test("apiXprod")).toBe(false);
  });

  it("maps many-to-many: one host path from two repositories, many hosts to one repository path, labels narrowing", () => {
    const mappings = parse([
      { hosts: ["web-*"], host_path: "/etc/nginx/", repo: "infra", repo_path: "nginx/" },
      { hosts: ["web-*", "edge-*"], host_path: "/etc/nginx/", repo: "edge", repo_path: "" },
      { hosts: ["*"], labels: { role: "db" }, host_path: "/etc/postgresql/16/main/postgresql.conf", repo: "infra", repo_path: "postgres/postgresql.conf" },
    ]);
    expect(mapPath(mappings, "web-1", {}, "/etc/nginx/sites/a.conf").map((m) => `${m.repo}:${m.repoPath}`)).toEqual(["infra:nginx/sites/a.conf", "edge:sites/a.conf"]);
    expect(mapPath(mappings, "edge-3", {}, "/etc/nginx/nginx.conf").map((m) => m.repo)).toEqual(["edge"]);
    expect(mapPath(mappings, "db-1", { role: "db" }, "/etc/postgresql/16/main/postgresql.conf")[0]?.repoPath).toBe("postgres/postgresql.conf");
    expect(mapPath(mappings, "db-1", { role: "web" }, "/etc/postgresql/16/main/postgresql.conf")).toEqual([]);
    expect(mapPath(mappings, "web-1", {}, "/etc/motd")).toEqual([]);
  });

  it("fails at start-up with the bad key named", () => {
    const dir = mkdtempSync(join(tmpdir(), "drift-config-"));
    const file = join(dir, "prodtrail.yaml");
    writeFileSync(file, "drift:\n  mappings:\n    - hosts: [web-*]\n      host_path: etc/nginx/\n      repo: infra\n      repo_path: nginx/\n");
    expect(() => loadConfig({ path: file, env: {} })).toThrow(/drift\.mappings\[0\]\.host_path: must be an absolute path/);
    writeFileSync(file, "drift:\n  mappings:\n    - hosts: [web-*]\n      host_path: /etc/nginx/\n      repo: infra\n      repo_path: nginx/nginx.conf\n");
    expect(() => loadConfig({ path: file, env: {} })).toThrow(/both be directories/);
    writeFileSync(file, "drift:\n  grace_period_hours: 24\n  mappings:\n    - hosts: [web-*]\n      host_path: /etc/nginx/\n      repo: infra\n      repo_path: nginx/\n");
    const config = loadConfig({ path: file, env: {} });
    expect(config.drift.grace_period_hours).toBe(24);
    expect(config.drift.mappings[0]?.labels).toEqual({});
    expect(loadConfig({ cwd: join(dir, "elsewhere"), env: {} }).drift.grace_period_hours).toBe(72);
    rmSync(dir, { recursive: true, force: true });
  });
});

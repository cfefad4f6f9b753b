import { matchesGlob } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileGlob, GlobError, PathFilter } from "./glob";

describe("glob", () => {
  it.each([
    ["/etc/**/*.conf", "/etc/nginx/nginx.conf", true],
    ["/etc/**/*.conf", "/etc/a.conf", true],
    ["/etc/**/*.conf", "/etc/nginx/conf.d/x.conf.bak", false],
    ["/etc/*.conf", "/etc/nginx/nginx.conf", false],
    ["*.swp", "/etc/nginx/.nginx.conf.swp", true],
    ["/srv/app/{config,env}/*", "/srv/app/env/prod", true],
    ["/srv/app/{config,env}/*", "/srv/app/lib/prod", false],
    ["/var/[a-c]?b/x", "/var/bxb/x", true],
    ["/var/[!a-c]?b/x", "/var/bxb/x", false],
    ["/etc/nginx/**", "/etc/nginx/a/b/c", true],
    ["/etc/nginx/**", "/etc/nginxx/a", false],
    ["/a.b", "/aXb", false],
  ])("%s vs %s → %s", (pattern, path, want) => {
    expect(compileGlob(pattern).test(path)).toBe(want);
  });

  it("names the bad pattern", () => {
    expect(() => compileGlob("/etc/[abc")).toThrow(GlobError);
    expect(() => compileGlob("/etc/{a,b")).toThrow(/unclosed '\{'/);
  });

  it("filter: exclude wins, directories under an excluded dir/** are pruned", () => {
    const f = new PathFilter(["/etc/**"], ["/etc/ssl/private/**", "*.swp"]);
    expect(f.includes("/etc/hosts")).toBe(true);
    expect(f.includes("/etc/.hosts.swp")).toBe(false);
    expect(f.prunes("/etc/ssl/private")).toBe(true);
    expect(f.prunes("/etc/ssl")).toBe(false);
  });

  it("property: agrees with node's path.matchesGlob on *, ** and ? over generated paths", () => {
    const seg = fc.constantFrom("a", "b", "ab", "a.b", "c");
    const path = fc.array(seg, { minLength: 1, maxLength: 5 }).map((s) => `/${s.join("/")}`);
    const pseg = fc.constantFrom("a", "b", "*", "a*", "*b", "?", "a?b", "**", "*.b");
    const pattern = fc.array(pseg, { minLength: 1, maxLength: 5 }).map((s) => `/${s.join("/")}`);
    fc.assert(
      fc.property(pattern, path, (pat, p) => {
        expect(compileGlob(pat).test(p)).toBe(matchesGlob(p, pat));
      }),
      { numRuns: 3000 },
    );
  });
});

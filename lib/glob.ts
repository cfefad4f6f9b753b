/**
 * A small glob matcher for include/exclude lists (node's path.matchesGlob
 * is experimental in Node 20 and warns on every process). Syntax:
 * `*` any run of characters but `/`, `**` any run including `/` (as a whole
 * segment, `a/**` + `/b` also matches `a/b`), `?` one character but `/`,
 * `[abc]` / `[a-z]` / `[!a]` a class, `{x,y}` alternatives (not nested).
 * A pattern without `/` matches the base name (`*.swp` anywhere), as in
 * .gitignore; with `/` it matches the whole absolute path.
 */
export interface Glob {
  pattern: string;
  test(path: string): boolean;
}

export function compileGlob(pattern: string): Glob {
  if (pattern === "") throw new GlobError(pattern, "is empty");
  const basenameOnly = !pattern.includes("/");
  const re = new RegExp(`^${translate(pattern)}$`);
  return {
    pattern,
    test: (path) => re.test(basenameOnly ? path.slice(path.lastIndexOf("/") + 1) : path),
  };
}

/**
 * The glob as regular-expression source, unanchored, in the subset JS and
 * RE2 share: the drift engine anchors it and hands it to ClickHouse's
 * `match` for host globs, so SQL and JS judge a host with one translation.
 */
export function globRegexSource(pattern: string): string {
  if (pattern === "") throw new GlobError(pattern, "is empty");
  return translate(pattern);
}

export class GlobError extends Error {
  constructor(readonly pattern: string, why: string) {
    super(`glob ${JSON.stringify(pattern)} ${why}`);
    this.name = "GlobError";
  }
}

function translate(p: string): string {
  let out = "";
  let i = 0;
  let inBraces = false;
  while (i < p.length) {
    const c = p.charAt(i);
    if (c === "*") {
      if (p.charAt(i + 1) === "*") {
        const atStart = i === 0 || p.charAt(i - 1) === "/";
        const slashAfter = p.charAt(i + 2) === "/";
        if (atStart && slashAfter) {
          out += "(?:.*/)?"; // "**/" : zero or more whole segments
          i += 3;
          continue;
        }
        out += ".*";
        i += 2;
        continue;
      }
      out += "[^/]*";
    } else if (c === "?") {
      out += "[^/]";
    } else if (c === "[") {
      const close = p.indexOf("]", i + 2);
      if (close === -1) throw new GlobError(p, `has an unclosed '[' at ${i}`);
      let body = p.slice(i + 1, close);
      const negate = body.startsWith("!") || body.startsWith("^");
      if (negate) body = body.slice(1);
      out += `[${negate ? "^/" : ""}${body.replace(/[\\\]^]/g, "\\$&")}]`;
      i = close + 1;
      continue;
    } else if (c === "{" && !inBraces) {
      inBraces = true;
      out += "(?:";
    } else if (c === "}" && inBraces) {
      inBraces = false;
      out += ")";
    } else if (c === "," && inBraces) {
      out += "|";
    } else {
      out += c.replace(/[.+^${}()|\\/]/g, "\\$&");
    }
    i += 1;
  }
  if (inBraces) throw new GlobError(p, "has an unclosed '{'");
  return out;
}

/** include/exclude lists. An empty include list includes everything. */
export class PathFilter {
  private readonly include: Glob[];
  private readonly exclude: Glob[];

  constructor(include: readonly string[] = [], exclude: readonly string[] = []) {
    this.include = include.map(compileGlob);
    this.exclude = exclude.map(compileGlob);
  }

  /** Is this file reported? */
  includes(path: string): boolean {
    if (this.exclude.some((g) => g.test(path))) return false;
    return this.include.length === 0 || this.include.some((g) => g.test(path));
  }

  /** Is this directory skipped entirely (excluded itself, or by a `dir/**` pattern)? */
  prunes(dir: string): boolean {
    return this.exclude.some((g) => g.test(dir) || g.test(`${dir}/`));
  }
}

/**
 * One matcher for a list of globs over slash-separated names (Vault paths,
 * Kubernetes user names, host names): leading slashes are ignored on both
 * sides, so `secret/data/x` and `/secret/data/x` are the same path.
 */
export function globMatcher(globs: readonly string[]): (name: string) => boolean {
  const compiled = globs.map((g) => compileGlob(g.replace(/^\/+/, "")));
  return (name) => {
    const n = name.replace(/^\/+/, "");
    return compiled.some((g) => g.test(n));
  };
}

/**
 * Vault path globs from the collector config: `*` matches within one path
 * segment, `**` across segments, everything else literally. Compiled once at
 * start; the patterns come from the operator's config, not from log lines.
 */
export function compileGlob(glob: string): RegExp {
  let out = "";
  for (let i = 0; i < glob.length; i += 1) {
    const c = glob[i] ?? "";
    if (c === "*" && glob[i + 1] === "*") {
      out += ".*";
      i += 1;
    } else if (c === "*") out += "[^/]*";
    else out += c.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${out}$`);
}

export function globMatcher(globs: readonly string[]): (path: string) => boolean {
  const compiled = globs.map((g) => compileGlob(g.replace(/^\/+/, "")));
  return (path) => {
    const p = path.replace(/^\/+/, "");
    return compiled.some((re) => re.test(p));
  };
}

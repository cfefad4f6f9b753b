/**
 * A rule that cannot be used, with where and why: `rules/x.yml:14: unknown
 * field ParentImage`. The loader refuses the whole set on the first one, so
 * a typo never ships as a rule that silently never fires.
 */
export class RuleLoadError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    // Line 0: the problem is the file or directory itself, not a line in it.
    super(line > 0 ? `${file}:${line}: ${reason}` : `${file}: ${reason}`);
    this.name = "RuleLoadError";
  }
}

/** A problem found while compiling, located by its path in the YAML document; the loader turns the path into a line. */
export class RuleCompileError extends Error {
  constructor(
    readonly reason: string,
    readonly yamlPath: ReadonlyArray<string | number>,
  ) {
    super(reason);
    this.name = "RuleCompileError";
  }
}

/** A detection round that could not run one rule (the round goes on with the others). */
export class RuleRunError extends Error {
  constructor(
    readonly ruleId: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`rule ${ruleId}: ${message}`, options);
    this.name = "RuleRunError";
  }
}

import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { RuleCompileError, RuleLoadError } from "./errors";
import { compileRule } from "./compile-rule";
import type { Rule } from "./rule";
import { ruleFileSchema } from "./rule-schema";
import { parseYamlSource } from "./yaml-source";

export const BUILTIN_RULES_DIR = join(dirname(fileURLToPath(import.meta.url)), "rules");

/** Rule files are `*.yml`/`*.yaml`; `*.fixtures.yml` beside them are their tests (fixtures.ts). */
export const isRuleFile = (name: string): boolean => /\.ya?ml$/.test(name) && !/\.fixtures\.ya?ml$/.test(name);

/** One rule file's text → a Rule, or RuleLoadError with the file, line and reason. */
export function parseRuleText(file: string, text: string): Rule {
  const source = parseYamlSource(text);
  const firstError = source.errors[0];
  if (firstError) throw new RuleLoadError(file, firstError.line, `YAML: ${firstError.message}`);
  const parsed = ruleFileSchema.safeParse(source.data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const keys = issue && "keys" in issue && Array.isArray(issue.keys) ? issue.keys.map(String) : [];
    const path = [...(issue?.path ?? []), ...keys.slice(0, 1)];
    const what = keys.length > 0 ? `unknown key '${keys.join("', '")}'` : (issue?.message ?? "invalid rule");
    throw new RuleLoadError(file, source.lineOf(path), `${issue?.path.length ? `${issue.path.join(".")}: ` : ""}${what}`);
  }
  try {
    return compileRule(file, parsed.data, source.lineOf);
  } catch (error) {
    if (error instanceof RuleCompileError) throw new RuleLoadError(file, source.lineOf(error.yamlPath), error.reason);
    throw error;
  }
}

/** Every rule in the directories, in order; a duplicate id is refused naming both files. */
export function loadRuleFiles(dirs: readonly string[], base = process.cwd()): Rule[] {
  const rules: Rule[] = [];
  const byId = new Map<string, Rule>();
  for (const dir of dirs) {
    let names: string[];
    try {
      if (!statSync(dir).isDirectory()) throw new Error("not a directory");
      names = readdirSync(dir).filter(isRuleFile).sort();
    } catch (error) {
      throw new RuleLoadError(dir, 0, `cannot read the rules directory: ${error instanceof Error ? error.message : String(error)}`);
    }
    for (const name of names) {
      const path = join(dir, name);
      const shown = relative(base, path) || path;
      const rule = { ...parseRuleText(shown, readFileSync(path, "utf8")), path };
      const twin = byId.get(rule.id);
      if (twin) throw new RuleLoadError(shown, 1, `rule id '${rule.id}' is already used by ${twin.file}`);
      byId.set(rule.id, rule);
      rules.push(rule);
    }
  }
  return rules;
}

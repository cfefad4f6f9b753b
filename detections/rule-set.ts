import type { DetectionsConfig } from "../config/detections";
import type { Store } from "../store/open";
import { checkRules } from "./check";
import { BUILTIN_RULES_DIR, loadRuleFiles } from "./load";
import type { Rule } from "./rule";
import type { ParamType } from "./rule-schema";

export class DetectionsConfigError extends Error {
  constructor(message: string) {
    super(`detections: ${message}`);
    this.name = "DetectionsConfigError";
  }
}

const CHANGE_WINDOW_RULE = "prodtrail-outside-change-window";

function valueFits(type: ParamType, value: unknown): boolean {
  switch (type) {
    case "String":
      return typeof value === "string";
    case "Array(String)":
      return Array.isArray(value) && value.every((v) => typeof v === "string");
    case "Float64":
      return typeof value === "number" && Number.isFinite(value);
    case "Int64":
      return Number.isSafeInteger(value);
    default:
      return Number.isSafeInteger(value) && typeof value === "number" && value >= 0 && (type !== "UInt32" || value <= 0xffffffff);
  }
}

/** Config overrides onto the rules' declared parameters; an unknown rule, parameter or a wrong type is an error naming it. */
function applyParams(rules: Rule[], config: DetectionsConfig): Rule[] {
  const overrides: Record<string, Record<string, unknown>> = structuredClone(config.params);
  if (config.change_window) {
    const w = config.change_window;
    overrides[CHANGE_WINDOW_RULE] = { window_days: w.days.map(String), window_start_hour: w.start_hour, window_end_hour: w.end_hour, ...overrides[CHANGE_WINDOW_RULE] };
  }
  const byId = new Map(rules.map((r) => [r.id, r]));
  for (const [ruleId, params] of Object.entries(overrides)) {
    const rule = byId.get(ruleId);
    if (rule === undefined) throw new DetectionsConfigError(`params.${ruleId}: no rule has this id (see 'prodtrail detections list')`);
    const next = { ...rule.params };
    for (const [name, value] of Object.entries(params)) {
      const declared = next[name];
      if (declared === undefined || rule.kind === "match") throw new DetectionsConfigError(`params.${ruleId}.${name}: the rule declares no such parameter (it has ${Object.keys(rule.kind === "sql" ? rule.params : {}).join(", ") || "none"})`);
      if (!valueFits(declared.type, value)) throw new DetectionsConfigError(`params.${ruleId}.${name}: must be ${declared.type}, got ${JSON.stringify(value)}`);
      if (typeof value !== "string" && typeof value !== "number" && !Array.isArray(value)) continue;
      next[name] = { ...declared, value };
    }
    byId.set(ruleId, { ...rule, params: next });
  }
  return rules.map((r) => byId.get(r.id) ?? r);
}

/** The rules this configuration runs: built-in and the user's directories, minus disabled ones, parameters applied. */
export function configuredRules(config: DetectionsConfig, base = process.cwd()): Rule[] {
  const dirs = [...(config.builtin_rules ? [BUILTIN_RULES_DIR] : []), ...config.rule_dirs];
  const all = loadRuleFiles(dirs, base);
  const known = new Set(all.map((r) => r.id));
  for (const id of config.disabled) if (!known.has(id)) throw new DetectionsConfigError(`disabled: no rule has the id '${id}'`);
  return applyParams(
    all.filter((r) => !config.disabled.includes(r.id)),
    config,
  );
}

/** configuredRules, then every query checked by the engine: a rule set is used whole or not at all. */
export async function loadCheckedRules(store: Store, config: DetectionsConfig, base = process.cwd()): Promise<Rule[]> {
  const rules = configuredRules(config, base);
  await checkRules(store, rules);
  return rules;
}

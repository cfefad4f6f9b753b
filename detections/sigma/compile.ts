import { isIP } from "node:net";
import { RuleCompileError } from "../errors";
import { fieldExpression, KEYWORD_EXPRESSION } from "../fields";
import { expandPattern, parseCondition, type Condition } from "./condition";

/**
 * A Sigma `detection:` block → one SQL boolean over the events table. Values
 * never enter the SQL text: each becomes a `{dN:String}` parameter, so a rule
 * file can match any string and still cannot change the query's shape.
 */
export interface CompiledMatch {
  where: string;
  params: Record<string, string>;
}

const MODIFIERS = new Set(["contains", "startswith", "endswith", "re", "cidr", "all"]);
type Path = ReadonlyArray<string | number>;

class Params {
  readonly values: Record<string, string> = {};
  add(value: string): string {
    const name = `d${Object.keys(this.values).length}`;
    this.values[name] = value;
    return `{${name}:String}`;
  }
}

/** Sigma's wildcards (`*`, `?`, `\` escapes) as a LIKE pattern. */
function likePattern(value: string): string {
  let out = "";
  for (let i = 0; i < value.length; i += 1) {
    const c = value[i] ?? "";
    if (c === "\\" && i + 1 < value.length && "*?\\".includes(value[i + 1] ?? "")) {
      const literal = value[i + 1] ?? "";
      out += literal === "\\" ? "\\\\" : literal;
      i += 1;
    } else if (c === "*") out += "%";
    else if (c === "?") out += "_";
    else if (c === "%" || c === "_" || c === "\\") out += `\\${c}`;
    else out += c;
  }
  return out;
}

function scalar(value: unknown, at: Path): string | null {
  if (value === null) return null;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  throw new RuleCompileError(`a value must be a string, number, boolean or null, not ${Array.isArray(value) ? "a list" : typeof value}`, at);
}

function valueTest(expr: string, modifier: string | undefined, raw: unknown, params: Params, at: Path): string {
  const value = scalar(raw, at);
  if (value === null) return `(${expr} = '')`;
  switch (modifier) {
    case undefined:
      return `(${expr} ILIKE ${params.add(likePattern(value))})`;
    case "contains":
      return `(${expr} ILIKE ${params.add(`%${likePattern(value)}%`)})`;
    case "startswith":
      return `(${expr} ILIKE ${params.add(`${likePattern(value)}%`)})`;
    case "endswith":
      return `(${expr} ILIKE ${params.add(`%${likePattern(value)}`)})`;
    case "re":
      try {
        new RegExp(value);
      } catch (error) {
        throw new RuleCompileError(`bad regular expression ${JSON.stringify(value)}: ${error instanceof Error ? error.message : String(error)}`, at);
      }
      return `match(${expr}, ${params.add(value)})`;
    case "cidr": {
      const [address, bits, extra] = value.split("/");
      const width = isIP(address ?? "") === 4 ? 32 : 128;
      if (extra !== undefined || !isIP(address ?? "") || !/^\d{1,3}$/.test(bits ?? "") || Number(bits) > width) {
        throw new RuleCompileError(`${JSON.stringify(value)} is not a CIDR range such as 10.0.0.0/8`, at);
      }
      // isIPAddressInRange throws on a non-address; an event without one simply does not match.
      return `((isIPv4String(${expr}) OR isIPv6String(${expr})) AND isIPAddressInRange(${expr}, ${params.add(value)}))`;
    }
    default:
      throw new RuleCompileError(`unknown modifier '${modifier}'`, at);
  }
}

function fieldTest(key: string, raw: unknown, params: Params, at: Path): string {
  const [name = "", ...modifiers] = key.split("|");
  const expr = fieldExpression(name);
  if (expr === undefined) throw new RuleCompileError(`unknown field '${name}' (not in detections/FIELDS.md)`, at);
  for (const m of modifiers) if (!MODIFIERS.has(m)) throw new RuleCompileError(`unknown modifier '${m}' on field '${name}'`, at);
  const all = modifiers.includes("all");
  const matching = modifiers.filter((m) => m !== "all");
  if (matching.length > 1) throw new RuleCompileError(`field '${name}': at most one of contains|startswith|endswith|re|cidr`, at);
  const values = Array.isArray(raw) ? raw : [raw];
  if (values.length === 0) throw new RuleCompileError(`field '${name}' has an empty value list`, at);
  const tests = values.map((v, i) => valueTest(expr, matching[0], v, params, Array.isArray(raw) ? [...at, i] : at));
  return tests.length === 1 ? (tests[0] ?? "") : `(${tests.join(all ? " AND " : " OR ")})`;
}

function selectionSql(body: unknown, params: Params, at: Path): string {
  if (Array.isArray(body)) {
    if (body.length === 0) throw new RuleCompileError("an empty selection list", at);
    const parts = body.map((item, i) =>
      typeof item === "object" && item !== null ? selectionSql(item, params, [...at, i]) : valueTest(KEYWORD_EXPRESSION, "contains", item, params, [...at, i]),
    );
    return `(${parts.join(" OR ")})`;
  }
  if (typeof body === "object" && body !== null) {
    const entries = Object.entries(body);
    if (entries.length === 0) throw new RuleCompileError("an empty selection", at);
    return `(${entries.map(([key, value]) => fieldTest(key, value, params, [...at, key])).join(" AND ")})`;
  }
  throw new RuleCompileError("a selection must be a map of fields or a list", at);
}

function conditionSql(c: Condition, selections: ReadonlyMap<string, string>, at: Path): string {
  switch (c.kind) {
    case "ref": {
      const sql = selections.get(c.name);
      if (sql === undefined) throw new RuleCompileError(`condition names '${c.name}', which is not a selection`, at);
      return sql;
    }
    case "not":
      return `NOT ${conditionSql(c.operand, selections, at)}`;
    case "and":
    case "or":
      return `(${c.operands.map((o) => conditionSql(o, selections, at)).join(c.kind === "and" ? " AND " : " OR ")})`;
    case "of": {
      const names = expandPattern(c.pattern, [...selections.keys()]);
      if (names.length === 0) throw new RuleCompileError(`'${c.quantifier} of ${c.pattern}' matches no selection`, at);
      return `(${names.map((n) => selections.get(n) ?? "").join(c.quantifier === "all" ? " AND " : " OR ")})`;
    }
  }
}

export function compileDetection(detection: Record<string, unknown>, at: Path = ["detection"]): CompiledMatch {
  const params = new Params();
  const selections = new Map<string, string>();
  for (const [name, body] of Object.entries(detection)) {
    if (name === "condition" || name === "timeframe") continue;
    if (!/^[A-Za-z0-9_]+$/.test(name)) throw new RuleCompileError(`selection name '${name}' must be letters, digits and _`, [...at, name]);
    selections.set(name, selectionSql(body, params, [...at, name]));
  }
  if ("timeframe" in detection) throw new RuleCompileError("timeframe (Sigma correlation) is not supported: write a windowed SQL rule", [...at, "timeframe"]);
  const condition = detection.condition;
  const texts = Array.isArray(condition) ? condition : [condition];
  if (texts.length === 0 || !texts.every((t): t is string => typeof t === "string")) {
    throw new RuleCompileError("detection needs a condition (a string or a list of strings)", [...at, "condition"]);
  }
  const where = texts.map((t) => conditionSql(parseCondition(t, [...at, "condition"]), selections, [...at, "condition"])).join(" OR ");
  return { where: texts.length > 1 ? `(${where})` : where, params: params.values };
}

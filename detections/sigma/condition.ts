import { RuleCompileError } from "../errors";

/**
 * Sigma's condition language: `and`, `or`, `not`, parentheses, and the
 * quantifiers `1 of <pattern>` / `all of <pattern>` where the pattern is a
 * selection name with `*` wildcards or `them` (every selection).
 */
export type Condition =
  | { kind: "ref"; name: string }
  | { kind: "not"; operand: Condition }
  | { kind: "and" | "or"; operands: Condition[] }
  | { kind: "of"; quantifier: "1" | "all"; pattern: string };

const TOKEN = /\s*(\(|\)|[A-Za-z0-9_*]+)/y;

function tokenize(text: string, at: ReadonlyArray<string | number>): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break;
    const start = TOKEN.lastIndex;
    const match = TOKEN.exec(text);
    if (!match?.[1]) throw new RuleCompileError(`condition: unexpected character ${JSON.stringify(text.slice(start).trim()[0])} in ${JSON.stringify(text)}`, at);
    tokens.push(match[1]);
  }
  return tokens;
}

export function parseCondition(text: string, at: ReadonlyArray<string | number>): Condition {
  const tokens = tokenize(text, at);
  let i = 0;
  const fail = (why: string): never => {
    throw new RuleCompileError(`condition ${JSON.stringify(text)}: ${why}`, at);
  };
  const peek = (): string | undefined => tokens[i]?.toLowerCase();
  const next = (): string => tokens[i++] ?? fail("ends too early");

  const orExpr = (): Condition => {
    const operands = [andExpr()];
    while (peek() === "or") {
      i += 1;
      operands.push(andExpr());
    }
    return operands.length === 1 && operands[0] ? operands[0] : { kind: "or", operands };
  };
  const andExpr = (): Condition => {
    const operands = [notExpr()];
    while (peek() === "and") {
      i += 1;
      operands.push(notExpr());
    }
    return operands.length === 1 && operands[0] ? operands[0] : { kind: "and", operands };
  };
  const notExpr = (): Condition => {
    if (peek() === "not") {
      i += 1;
      return { kind: "not", operand: notExpr() };
    }
    return atom();
  };
  const atom = (): Condition => {
    const token = next();
    const lower = token.toLowerCase();
    if (token === "(") {
      const inner = orExpr();
      if (next() !== ")") fail("a '(' is not closed");
      return inner;
    }
    if (token === ")") fail("unexpected ')'");
    if ((lower === "1" || lower === "all" || lower === "any") && peek() === "of") {
      i += 1;
      const pattern = next();
      if (pattern === "(" || pattern === ")") fail(`'${token} of' needs a selection pattern or 'them'`);
      return { kind: "of", quantifier: lower === "all" ? "all" : "1", pattern };
    }
    if (["and", "or", "not", "of"].includes(lower)) fail(`unexpected '${token}'`);
    if (token.includes("*")) fail(`'${token}': a wildcard is allowed only after '1 of' or 'all of'`);
    return { kind: "ref", name: token };
  };

  const result = orExpr();
  if (i < tokens.length) fail(`unexpected '${tokens[i] ?? ""}'`);
  return result;
}

/** Selection names a pattern stands for (`sel*`, `them`). */
export function expandPattern(pattern: string, names: readonly string[]): string[] {
  if (pattern.toLowerCase() === "them") return names.filter((n) => !n.startsWith("_"));
  const re = new RegExp(`^${pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
  return names.filter((n) => re.test(n));
}

/**
 * The little SQL reading the cluster transform needs (store/cluster-ddl.ts):
 * find a keyword or a matching parenthesis at the top level of a statement,
 * outside string literals, quoted identifiers and parentheses. Migration
 * statements have their `--` comment lines removed already (splitStatements).
 */

/** Index of the `)` closing the `(` at `open`, or -1. */
export function closingParen(sql: string, open: number): number {
  let depth = 0;
  for (let i = open; i < sql.length; i += 1) {
    const c = sql[i];
    if (c === "'" || c === '"' || c === "`") {
      i = endOfQuoted(sql, i);
      continue;
    }
    if (c === "(") depth += 1;
    else if (c === ")") {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  return -1;
}

function endOfQuoted(sql: string, start: number): number {
  const quote = sql[start];
  for (let i = start + 1; i < sql.length; i += 1) {
    if (sql[i] === "\\") i += 1;
    else if (sql[i] === quote) return i;
  }
  return sql.length;
}

/**
 * Positions (start indexes) where `pattern` matches at parenthesis depth 0
 * and outside quotes. `pattern` must be a sticky-free regex source matched
 * case-insensitively at word boundaries.
 */
export function topLevelMatches(sql: string, pattern: RegExp): Array<{ index: number; text: string }> {
  const out: Array<{ index: number; text: string }> = [];
  let depth = 0;
  const sticky = new RegExp(pattern.source, "iy");
  for (let i = 0; i < sql.length; i += 1) {
    const c = sql[i];
    if (c === "'" || c === '"' || c === "`") {
      i = endOfQuoted(sql, i);
      continue;
    }
    if (c === "(") depth += 1;
    else if (c === ")") depth -= 1;
    else if (depth === 0 && (i === 0 || /\W/.test(sql[i - 1] ?? " "))) {
      sticky.lastIndex = i;
      const m = sticky.exec(sql);
      if (m) out.push({ index: i, text: m[0] });
    }
  }
  return out;
}

/** Splits on commas at depth 0 (ALTER TABLE's command list, ORDER BY tuples). */
export function splitTopLevelCommas(sql: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < sql.length; i += 1) {
    const c = sql[i];
    if (c === "'" || c === '"' || c === "`") {
      i = endOfQuoted(sql, i);
      continue;
    }
    if (c === "(") depth += 1;
    else if (c === ")") depth -= 1;
    else if (c === "," && depth === 0) {
      parts.push(sql.slice(from, i).trim());
      from = i + 1;
    }
  }
  parts.push(sql.slice(from).trim());
  return parts.filter((p) => p !== "");
}

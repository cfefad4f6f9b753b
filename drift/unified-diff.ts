/**
 * A unified diff of two texts (`diff -u` / `git diff` format, 3 lines of
 * context), for `prodtrail drift patch`. Lines are compared after the common
 * prefix and suffix are trimmed, by a longest-common-subsequence table: kept
 * host files are at most 16 KiB (~500 config lines), so the table stays
 * small; past MAX_CELLS it refuses rather than guess.
 */
const CONTEXT = 3;
const MAX_CELLS = 16_000_000;

type Op = { kind: " " | "-" | "+"; text: string };

export class DiffTooLargeError extends Error {
  constructor(readonly lines: number) {
    super(`too many changed lines to diff (${lines} × ${lines} comparisons)`);
    this.name = "DiffTooLargeError";
  }
}

/** A last line without a newline differs from the same line with one, as in git: it carries NO_EOL until printed. */
const NO_EOL = "\u0000";

function lines(text: string): string[] {
  if (text === "") return [];
  const all = text.split("\n");
  if (all.at(-1) === "") all.pop();
  else all[all.length - 1] += NO_EOL;
  return all;
}

function script(a: readonly string[], b: readonly string[]): Op[] {
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre += 1;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf += 1;
  const x = a.slice(pre, a.length - suf);
  const y = b.slice(pre, b.length - suf);
  if ((x.length + 1) * (y.length + 1) > MAX_CELLS) throw new DiffTooLargeError(Math.max(x.length, y.length));
  const w = y.length + 1;
  const lcs = new Uint32Array((x.length + 1) * w);
  for (let i = x.length - 1; i >= 0; i -= 1) {
    for (let j = y.length - 1; j >= 0; j -= 1) {
      lcs[i * w + j] = x[i] === y[j] ? (lcs[(i + 1) * w + j + 1] ?? 0) + 1 : Math.max(lcs[(i + 1) * w + j] ?? 0, lcs[i * w + j + 1] ?? 0);
    }
  }
  const ops: Op[] = a.slice(0, pre).map((text) => ({ kind: " ", text }));
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j]) {
      ops.push({ kind: " ", text: x[i] ?? "" });
      i += 1;
      j += 1;
    }
    else if (j < y.length && (i === x.length || (lcs[i * w + j + 1] ?? 0) >= (lcs[(i + 1) * w + j] ?? 0))) ops.push({ kind: "+", text: y[j++] ?? "" });
    else ops.push({ kind: "-", text: x[i++] ?? "" });
  }
  for (const text of a.slice(a.length - suf)) ops.push({ kind: " ", text });
  return ops;
}

/** `--- a/<path>` / `+++ b/<path>` diff of before → after; '' when they are equal. `before === null`: a new file. */
export function unifiedDiff(path: string, before: string | null, after: string): string {
  if (before === after) return "";
  const ops = script(lines(before ?? ""), lines(after));
  const out = [`diff --git a/${path} b/${path}`, ...(before === null ? ["new file mode 100644"] : []), `--- ${before === null ? "/dev/null" : `a/${path}`}`, `+++ b/${path}`];
  // Line numbers of each op in the old and new text (1-based), for hunk headers.
  let oldNo = 1;
  let newNo = 1;
  const numbered = ops.map((op) => {
    const at = { ...op, oldNo, newNo };
    if (op.kind !== "+") oldNo += 1;
    if (op.kind !== "-") newNo += 1;
    return at;
  });
  const changed = numbered.map((op, k) => (op.kind !== " " ? k : -1)).filter((k) => k >= 0);
  let k = 0;
  while (k < changed.length) {
    const first = changed[k] ?? 0;
    let last = first;
    while (k + 1 < changed.length && (changed[k + 1] ?? 0) - last <= 2 * CONTEXT) last = changed[++k] ?? last;
    k += 1;
    const from = Math.max(0, first - CONTEXT);
    const to = Math.min(numbered.length - 1, last + CONTEXT);
    const hunk = numbered.slice(from, to + 1);
    const oldCount = hunk.filter((op) => op.kind !== "+").length;
    const newCount = hunk.filter((op) => op.kind !== "-").length;
    const oldStart = oldCount === 0 ? (hunk[0]?.oldNo ?? 1) - 1 : (hunk.find((op) => op.kind !== "+")?.oldNo ?? 0);
    const newStart = newCount === 0 ? (hunk[0]?.newNo ?? 1) - 1 : (hunk.find((op) => op.kind !== "-")?.newNo ?? 0);
    out.push(`@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`);
    for (const op of hunk) {
      const noEol = op.text.endsWith(NO_EOL);
      out.push(`${op.kind}${noEol ? op.text.slice(0, -1) : op.text}`);
      if (noEol) out.push("\\ No newline at end of file");
    }
  }
  return `${out.join("\n")}\n`;
}

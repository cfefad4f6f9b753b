/**
 * Added and removed line counts between two texts, as `git diff --numstat`
 * reports them: the size of a shortest edit script (Myers 1986, O((N+M)·D)).
 * Common prefix and suffix are trimmed first (a config edit usually touches
 * a few lines of hundreds). When the edit distance exceeds `maxEdits`
 * (default 2,000: bounds the work on a rewritten 1 MiB file to ~10^8 steps)
 * the counts fall back to a multiset comparison, which can only undercount
 * moved lines; `exact` says which one you got.
 */
export interface LineDiff {
  added: number;
  removed: number;
  exact: boolean;
}

export function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  // "a\n" is one line; "a" (no newline at end) differs from it, as in git.
  if (lines.at(-1) === "") lines.pop();
  else lines[lines.length - 1] += "\u0000\\ No newline at end of file";
  return lines;
}

export function countLineDiff(before: string, after: string, maxEdits = 2000): LineDiff {
  const a = splitLines(before);
  const b = splitLines(after);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start += 1;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA -= 1;
    endB -= 1;
  }
  const ids = new Map<string, number>();
  const intern = (s: string): number => {
    let id = ids.get(s);
    if (id === undefined) ids.set(s, (id = ids.size));
    return id;
  };
  const x = a.slice(start, endA).map(intern);
  const y = b.slice(start, endB).map(intern);
  const d = myersDistance(x, y, maxEdits);
  if (d === null) return { ...multisetDiff(x, y), exact: false };
  const common = (x.length + y.length - d) / 2;
  return { added: y.length - common, removed: x.length - common, exact: true };
}

/** Length of the shortest edit script (inserts + deletes), or null beyond maxD. */
function myersDistance(a: readonly number[], b: readonly number[], maxD: number): number | null {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return n + m;
  const max = Math.min(n + m, maxD);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  for (let d = 0; d <= max; d++) {
    for (let k = -d; k <= d; k += 2) {
      let px: number;
      if (k === -d || (k !== d && (v[offset + k - 1] ?? 0) < (v[offset + k + 1] ?? 0))) px = v[offset + k + 1] ?? 0;
      else px = (v[offset + k - 1] ?? 0) + 1;
      let py = px - k;
      while (px < n && py < m && a[px] === b[py]) {
        px += 1;
        py += 1;
      }
      v[offset + k] = px;
      if (px >= n && py >= m) return d;
    }
  }
  return null;
}

function multisetDiff(a: readonly number[], b: readonly number[]): { added: number; removed: number } {
  const counts = new Map<number, number>();
  for (const id of a) counts.set(id, (counts.get(id) ?? 0) + 1);
  let common = 0;
  for (const id of b) {
    const c = counts.get(id) ?? 0;
    if (c > 0) {
      common += 1;
      counts.set(id, c - 1);
    }
  }
  return { added: b.length - common, removed: a.length - common };
}

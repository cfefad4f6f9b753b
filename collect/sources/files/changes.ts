import type { Baseline } from "./baseline";
import { countLineDiff } from "./line-diff";
import type { Change } from "./observe";

/**
 * Line counts of a change: both sides must be text we hold (the new content
 * just read, the old one from objects/). Create counts every line as added,
 * delete every line as removed; binary or too large on either side: null.
 */
export async function diffOf(change: Change, baseline: Baseline): Promise<{ added: number; removed: number } | null> {
  const afterText = change.after === undefined ? "" : change.after.text?.toString("utf8");
  let beforeText: string | undefined = "";
  if (change.before !== undefined) {
    beforeText = change.before.stored ? (await baseline.readObject(change.before.blob))?.toString("utf8") : undefined;
  }
  if (afterText === undefined || beforeText === undefined) return null;
  if (change.op === "chmod") return { added: 0, removed: 0 };
  const { added, removed } = countLineDiff(beforeText, afterText);
  return { added, removed };
}

/** One change per path (a path named twice by fs.watch is examined twice; keep the last). */
export function dedupe(changes: Change[]): Change[] {
  const byPath = new Map<string, Change>();
  for (const c of changes) byPath.set(c.path, c);
  return [...byPath.values()];
}

import { createHash } from "node:crypto";

/**
 * git's object id of a file's content: sha1("blob " + byteLength + "\0" +
 * content). The same function `git hash-object` runs, so a blob the demo
 * writes on a host compares directly with a blob in a real repository.
 */
export function gitBlobSha1(content: string): string {
  const bytes = Buffer.from(content, "utf8");
  return createHash("sha1").update(`blob ${bytes.byteLength}\u0000`).update(bytes).digest("hex");
}

/**
 * A commit id for the generated history. Real git hashes a commit object
 * over a tree object; the demo has no trees, so it hashes the commit's
 * parent, author, time and changed blobs in the same "commit <len>\0" frame.
 * Unique and stable per history, 40 lower-case hex like a real one.
 */
export function commitSha1(parts: ReadonlyArray<string>): string {
  const body = parts.join("\n");
  return createHash("sha1").update(`commit ${Buffer.byteLength(body)}\u0000${body}`).digest("hex");
}

/** Lines added and removed between two texts, counted as a multiset difference (what `diff --stat` reports for simple edits). */
export function lineDiff(before: string, after: string): { added: number; removed: number } {
  const counts = new Map<string, number>();
  for (const line of before.split("\n")) counts.set(line, (counts.get(line) ?? 0) + 1);
  let added = 0;
  for (const line of after.split("\n")) {
    const left = counts.get(line) ?? 0;
    if (left > 0) counts.set(line, left - 1);
    else added += 1;
  }
  let removed = 0;
  for (const left of counts.values()) removed += left;
  return { added, removed };
}

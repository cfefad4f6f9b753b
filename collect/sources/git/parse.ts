/**
 * Parsers of git's NUL-separated (-z) plumbing output. Paths are taken
 * verbatim (no quoting with -z); names that are not valid UTF-8 are decoded
 * with replacement characters (the event contract is text).
 */
export interface CommitMeta {
  commit: string;
  parents: string[];
  authorEmail: string;
  authorName: string;
  committerDate: string;
}

/** `git log -z --format=%H%x00%P%x00%ae%x00%an%x00%cI`: five fields per record, NUL between all. */
export function parseLog(out: Buffer): CommitMeta[] {
  const t = out.toString("utf8").split("\0");
  if (t.at(-1) === "") t.pop();
  const commits: CommitMeta[] = [];
  for (let i = 0; i + 4 < t.length; i += 5) {
    commits.push({
      commit: (t[i] ?? "").replace(/^\n/, ""),
      parents: (t[i + 1] ?? "").split(" ").filter((p) => p !== ""),
      authorEmail: t[i + 2] ?? "",
      authorName: t[i + 3] ?? "",
      committerDate: t[i + 4] ?? "",
    });
  }
  return commits;
}

export interface FileEntry {
  path: string;
  /** "" when the commit deleted the path. */
  blob: string;
}

const HEX_ID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;
const GITLINK = "160000";

/**
 * `git diff-tree --stdin -r -z --root --no-renames --always`: a commit id,
 * then `:<old mode> <new mode> <old> <new> <status>` and one path per
 * change. After a status header the next token is always a path, so a path
 * that looks like a commit id is still read as a path. Submodule entries
 * (mode 160000) are skipped: their id is a commit, not a blob.
 */
export function parseDiffTree(out: Buffer): Map<string, FileEntry[]> {
  const t = out.toString("utf8").split("\0");
  const byCommit = new Map<string, FileEntry[]>();
  let current: FileEntry[] | null = null;
  for (let i = 0; i < t.length; i++) {
    const tok = t[i] ?? "";
    if (tok.startsWith(":")) {
      const [oldMode, newMode, , blob, status] = tok.slice(1).split(" ");
      const path = t[i + 1] ?? "";
      i += 1;
      if (current === null || oldMode === undefined || newMode === undefined) continue;
      if (status === "D") {
        if (oldMode !== GITLINK) current.push({ path, blob: "" });
      } else if (newMode !== GITLINK && blob !== undefined) {
        current.push({ path, blob });
      } else if (oldMode !== GITLINK && oldMode !== "000000" && newMode === GITLINK) {
        current.push({ path, blob: "" }); // a file replaced by a submodule: the file is gone
      }
    } else if (HEX_ID.test(tok.trim())) {
      current = [];
      byCommit.set(tok.trim(), current);
    }
  }
  return byCommit;
}

/** `git ls-tree -r -z <tree>`: `<mode> <type> <object>\t<path>`; blobs only. */
export function parseLsTree(out: Buffer): FileEntry[] {
  const files: FileEntry[] = [];
  for (const rec of out.toString("utf8").split("\0")) {
    const tab = rec.indexOf("\t");
    if (tab === -1) continue;
    const [, type, object] = rec.slice(0, tab).split(" ");
    if (type === "blob" && object !== undefined) files.push({ path: rec.slice(tab + 1), blob: object });
  }
  return files;
}

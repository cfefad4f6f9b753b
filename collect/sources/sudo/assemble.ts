/**
 * Joins pretty-printed JSON back into documents, line by line. Used for
 * sudo's JSON log file (indented; each record an `"accept": {` … `}` member
 * of one file-wide object that sudo rewrites the end of on every append),
 * sudo's I/O log.json and Vault audit files written through `jq .`.
 *
 * A document starts at a line whose first non-blank character is `{`, or —
 * for sudo's log file — at a member line `"accept": {`; it ends where its
 * braces balance (counted outside strings). Bounded: a document larger than
 * MAX_CHARS is dropped and reported, so a corrupt file cannot hold memory.
 */
const MAX_CHARS = 4 * 1024 * 1024;
const MEMBER = /^\s*"(accept|reject|alert|exit)": \{\s*$/;

export type Assembled = { kind: "document"; text: string; firstLine: string } | { kind: "too-large"; firstLine: string } | { kind: "stray"; line: string };

export class JsonAssembler {
  private parts: string[] = [];
  private size = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private member = false;

  get open(): boolean {
    return this.parts.length > 0;
  }

  push(line: string): Assembled[] {
    if (!this.open) {
      const member = MEMBER.test(line);
      if (!member && !line.trimStart().startsWith("{")) return line.trim() === "" || /^\s*[},]+\s*$/.test(line) ? [] : [{ kind: "stray", line }];
      this.member = member;
      this.depth = 0;
      this.inString = false;
      this.escaped = false;
    } else if (this.depth === 1 && !this.member && MEMBER.test(line) && this.parts.length === 1 && this.parts[0]?.trim() === "{") {
      // sudo's log file: the file-wide `{` opens members; each member is the document.
      this.parts = [];
      this.size = 0;
      this.depth = 0;
      this.member = true;
    }
    this.parts.push(line);
    this.size += line.length + 1;
    this.count(line);
    if (this.size > MAX_CHARS) return [this.finish({ tooLarge: true })];
    return this.depth <= 0 ? [this.finish({ tooLarge: false })] : [];
  }

  /** End of input: an unclosed document is reported as stray text. */
  flush(): Assembled[] {
    if (!this.open) return [];
    const firstLine = this.parts[0] ?? "";
    this.parts = [];
    this.size = 0;
    return [{ kind: "stray", line: firstLine }];
  }

  private finish(o: { tooLarge: boolean }): Assembled {
    const firstLine = this.parts[0] ?? "";
    const body = this.parts.join("\n");
    this.parts = [];
    this.size = 0;
    if (o.tooLarge) return { kind: "too-large", firstLine };
    return { kind: "document", firstLine, text: this.member ? `{${body.replace(/,\s*$/, "")}}` : body.replace(/,\s*$/, "") };
  }

  private count(line: string): void {
    for (let i = 0; i < line.length; i += 1) {
      const c = line.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 0x5c) this.escaped = true;
        else if (c === 0x22) this.inString = false;
      } else if (c === 0x22) this.inString = true;
      else if (c === 0x7b || c === 0x5b) this.depth += 1;
      else if (c === 0x7d || c === 0x5d) this.depth -= 1;
    }
  }
}

/**
 * Splits bytes into lines, tracking each line's byte offset in the file so
 * that an offset can be committed exactly at a line boundary. A line longer
 * than `maxLineBytes` is cut into pieces marked `truncated` (a 100 MB line
 * without a newline must not hold 100 MB of memory).
 */
export interface RawLine {
  text: string;
  /** Byte offset of the line's first byte. */
  offset: number;
  /** Byte offset just after its newline: where reading resumes. */
  end: number;
  truncated: boolean;
}

export class LineSplitter {
  private partial: Buffer[] = [];
  private partialBytes = 0;
  private position: number;

  constructor(
    startOffset: number,
    private readonly maxLineBytes: number,
  ) {
    this.position = startOffset;
  }

  /** Byte offset where the held partial line starts. */
  get pendingStart(): number {
    return this.position - this.partialBytes;
  }

  push(chunk: Buffer): RawLine[] {
    const out: RawLine[] = [];
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, from);
      if (nl === -1) break;
      this.append(chunk.subarray(from, nl), out);
      this.position += 1;
      out.push(this.take(true));
      from = nl + 1;
    }
    this.append(chunk.subarray(from), out);
    return out;
  }

  /** Hold `bytes` as part of the current line, cutting pieces of maxLineBytes off as it overflows. */
  private append(bytes: Buffer, out: RawLine[]): void {
    let rest = bytes;
    while (this.partialBytes + rest.length > this.maxLineBytes) {
      const room = this.maxLineBytes - this.partialBytes;
      this.partial.push(rest.subarray(0, room));
      this.partialBytes += room;
      this.position += room;
      out.push(this.take(false, true));
      rest = rest.subarray(room);
    }
    if (rest.length > 0) {
      // A copy: callers reuse their read buffer (read.ts reads into one 64 KiB
      // buffer), and a view kept past this call would be overwritten by the
      // next read — the held start of a line crossing a read boundary was
      // garbled before this copy.
      this.partial.push(Buffer.from(rest));
      this.partialBytes += rest.length;
      this.position += rest.length;
    }
  }

  /** The held partial line as a final line (the file will not grow any more), or null. */
  flush(): RawLine | null {
    return this.partialBytes === 0 ? null : this.take(false);
  }

  private take(newline: boolean, truncated = false): RawLine {
    const bytes = Buffer.concat(this.partial);
    const end = this.position;
    const offset = end - bytes.length - (newline ? 1 : 0);
    this.partial = [];
    this.partialBytes = 0;
    return { text: bytes.toString("utf8"), offset, end, truncated };
  }
}

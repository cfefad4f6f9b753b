import type { AuditRecord } from "./record";
import { text } from "./record";
import { execArgs, renderArgs } from "./command";

/** Hex-encodable string fields that a reader of `raw` wants to see decoded. */
const STRING_FIELDS = /(^|\s)(proctitle|cmd|name|cwd|comm|exe|key)=([0-9A-F]{2,})(?=\s|$)/g;

/**
 * The event's raw text: its record lines, with two changes that keep secrets
 * out. Hex-encoded fields are shown decoded, so redaction sees the text
 * (`a1=2D2D70617373776F7264…` is `--password…`). EXECVE argument fields
 * become one rendered command, because `a1="--password" a2="hunter2"` only
 * reads as a password flag when the arguments are joined.
 * Hex is decoded from the parsed record (text()), so the 0x1D-to-space change cannot alter a value.
 */
export function rawLines(records: readonly AuditRecord[]): string {
  const lines: string[] = [];
  let execveDone = false;
  for (const r of records) {
    if (r.type === "EXECVE") {
      if (execveDone) continue;
      execveDone = true;
      const args = execArgs(records) ?? [];
      lines.push(`type=EXECVE msg=audit(${r.id}): argc=${args.length} args=${JSON.stringify(renderArgs(args))}`);
      continue;
    }
    lines.push(
      // The ENRICHED separator (0x1D) shown as a space: raw is for people.
      r.line.replaceAll("\u001d", " ").replace(STRING_FIELDS, (whole: string, lead: string, key: string) => {
        const decoded = text(r, key);
        return decoded === undefined ? whole : `${lead}${key}=${JSON.stringify(decoded.replaceAll("\u0000", " "))}`;
      }),
    );
  }
  return lines.join("\n");
}

import type { AuditEvent } from "../../../schemas";

/**
 * Export encodings. CSV follows RFC 4180 (fields with `"`, `,`, CR or LF
 * are quoted, quotes doubled) plus the OWASP CSV-injection guard: a cell
 * starting with = + - @ (or TAB/CR, which some spreadsheets skip before
 * evaluating) is prefixed with `'`, so `=HYPERLINK(...)` in a command line
 * opens in Excel as text, not as a formula.
 */
export const CSV_COLUMNS = [
  "event_id", "occurred_at", "type", "category", "actor_id", "actor_kind", "effective_user", "impersonator",
  "attribution_method", "attribution_confidence", "team", "channel", "session_id", "grant_id", "break_glass", "ticket",
  "source_ip", "env", "host", "service", "resource", "outcome", "reason", "severity", "command", "path", "op",
  "before_hash", "after_hash", "package", "version_before", "version_after", "repo", "commit", "branch", "pipeline",
  "artifact", "deploy_id", "collector_id", "seq", "hash", "raw",
] as const;

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: unknown): string {
  let s = value === undefined || value === null ? "" : typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function csvRow(cells: readonly unknown[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}

export function csvHeader(columns: readonly string[] = CSV_COLUMNS): string {
  return csvRow(columns);
}

export function eventCsvRow(event: AuditEvent): string {
  const record: Record<string, unknown> = { ...event };
  return csvRow(CSV_COLUMNS.map((c) => record[c]));
}

/** A JSON array streamed in pieces: `[` , rows joined by `,\n`, `]`. */
export class JsonArrayWriter {
  private first = true;
  open(): string {
    return "[\n";
  }
  row(value: unknown): string {
    const prefix = this.first ? "" : ",\n";
    this.first = false;
    return prefix + JSON.stringify(value);
  }
  close(): string {
    return this.first ? "]\n" : "\n]\n";
  }
}

/** Parses CSV written by csvRow (tests and the e2e check use it; quoted fields may span lines). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += ch;
  }
  if (cell !== "" || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

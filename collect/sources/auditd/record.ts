/**
 * One auditd record line:
 *   `[node=web-01 ]type=SYSCALL msg=audit(1700000000.123:4567): arch=c000003e syscall=257 … key="nginx"\x1dARCH=x86_64 SYSCALL=openat AUID="alice"`
 * Fields are `key=value`, `key="text"` or `key='nested key=value list'`
 * (user-space records put their payload in msg='…'). With
 * `log_format = ENRICHED` auditd appends upper-case translated fields after
 * a 0x1D separator; upper and lower case keys never collide, so they share one map.
 * A hand-written scanner: one pass, no regex backtracking on 100 kB lines.
 */
export interface AuditField {
  value: string;
  quoted: boolean;
}

export interface AuditRecord {
  type: string;
  /** `1700000000.123:4567`: seconds.millis:serial, unique per boot and host. */
  id: string;
  timeMs: number;
  serial: string;
  fields: Map<string, AuditField>;
  line: string;
}

import { wallClockToMs } from "../auth/time";

const MIN_MS = Date.UTC(2000, 0, 1);
const MAX_MS = Date.UTC(2100, 0, 1);
// go-libaudit and some auditd versions end an EOE record at `)` without the colon.
const HEADER = /^(?:node=\S{1,255} )?type=([A-Za-z0-9_[\]]{1,64}) msg=audit\((\d{1,12})\.(\d{3}):(\d{1,20})\)(?:: ?|$)/;

/**
 * `ausearch -i` prints the time in the reader's locale and zone and a ` : `
 * separator: `type=SYSCALL msg=audit(10/06/2020 06:42:37.318:2468) : arch=x86_64 syscall=chmod …`
 * (also `09/11/25 …` and `2020-02-18 …`), with uids, flags and modes as names.
 */
const INTERPRETED = /^(?:node=\S{1,255} )?type=([A-Za-z0-9_[\]]{1,64}) msg=audit\((?:(\d{2})\/(\d{2})\/(\d{2}|\d{4})|(\d{4})-(\d{2})-(\d{2})) (\d{2}):(\d{2}):(\d{2})\.(\d{3}):(\d{1,20})\) : ?/;

export function parseRecord(line: string, timeZone = "UTC"): AuditRecord | undefined {
  const m = HEADER.exec(line);
  if (!m) return parseInterpreted(line, timeZone);
  const [whole, type, sec, ms, serial] = m;
  const timeMs = Number(sec) * 1000 + Number(ms);
  // The schema accepts 2000–2100; a record outside it is corrupt (or a clock far off), not an event.
  if (timeMs < MIN_MS || timeMs >= MAX_MS) return undefined;
  const fields = new Map<string, AuditField>();
  scanFields(line, whole.length, line.length, fields);
  return { type: type ?? "", id: `${sec}.${ms}:${serial}`, timeMs, serial: serial ?? "", fields, line };
}

function parseInterpreted(line: string, timeZone: string): AuditRecord | undefined {
  const m = INTERPRETED.exec(line);
  if (!m) return undefined;
  const [whole, type, mo1, d1, y1, y2, mo2, d2, h, mi, s, ms, serial] = m;
  const yearText = y1 ?? y2 ?? "";
  const year = yearText.length === 2 ? 2000 + Number(yearText) : Number(yearText);
  const timeMs = wallClockToMs({ year, month: Number(mo1 ?? mo2), day: Number(d1 ?? d2), hour: Number(h), minute: Number(mi), second: Number(s), ms: Number(ms) }, timeZone);
  if (timeMs === undefined || timeMs < MIN_MS || timeMs >= MAX_MS) return undefined;
  const fields = new Map<string, AuditField>();
  scanFields(line, whole.length, line.length, fields);
  // The id the raw log has for this record, so an event read both ways keeps its id (given the right zone).
  const id = `${Math.floor(timeMs / 1000)}.${String(timeMs % 1000).padStart(3, "0")}:${serial ?? ""}`;
  return { type: type ?? "", id, timeMs, serial: serial ?? "", fields, line };
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x1d || c === 0x0a || c === 0x0d;

function scanFields(text: string, from: number, to: number, into: Map<string, AuditField>): void {
  let i = from;
  while (i < to) {
    while (i < to && isSpace(text.charCodeAt(i))) i += 1;
    const keyStart = i;
    while (i < to && !isSpace(text.charCodeAt(i)) && text.charCodeAt(i) !== 0x3d) i += 1;
    if (i >= to || text.charCodeAt(i) !== 0x3d) continue; // a bare word: skip it
    const key = text.slice(keyStart, i);
    i += 1;
    const quote = text.charCodeAt(i);
    if (quote === 0x22 || quote === 0x27) {
      let end = text.indexOf(quote === 0x22 ? '"' : "'", i + 1);
      if (end < 0 || end > to) end = to;
      const value = text.slice(i + 1, end);
      // msg='op=login acct="alice" res=success': the payload of user-space records.
      if (quote === 0x27 && key === "msg") scanFields(text, i + 1, end, into);
      else if (key !== "" && !into.has(key)) into.set(key, { value, quoted: true });
      i = end + 1;
      continue;
    }
    const valueStart = i;
    while (i < to && !isSpace(text.charCodeAt(i))) i += 1;
    if (key !== "" && !into.has(key)) into.set(key, { value: text.slice(valueStart, i), quoted: false });
  }
}

const HEX = /^(?:[0-9A-Fa-f]{2})+$/;

/**
 * A string field: quoted text as is; unquoted hex (auditd's encoding for
 * values with spaces, quotes or control characters) decoded; `(null)` and
 * `?` mean absent.
 */
export function text(record: AuditRecord | undefined, key: string): string | undefined {
  const f = record?.fields.get(key);
  if (!f) return undefined;
  if (f.quoted) return f.value;
  if (f.value === "(null)" || f.value === "?" || f.value === "") return undefined;
  return HEX.test(f.value) ? Buffer.from(f.value, "hex").toString("utf8") : f.value;
}

/** The raw (undecoded) value of a field. */
export const rawValue = (record: AuditRecord | undefined, key: string): string | undefined => record?.fields.get(key)?.value;

/** An enriched (upper-case) field, ignoring auditd's `unset`/`?` translations. */
export function enriched(record: AuditRecord | undefined, key: string): string | undefined {
  const v = rawValue(record, key);
  return v === undefined || v === "unset" || v === "?" || v === "" ? undefined : v;
}

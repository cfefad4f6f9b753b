/**
 * Timestamps of log formats: classic syslog (`Nov 22 08:01:02`, no year, no
 * zone), RFC 3339 (rsyslog high precision), local wall-clock times without an
 * offset (dpkg.log, apt history.log) and journald microseconds.
 * All return epoch milliseconds or undefined (never throw, never NaN).
 */
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

const MIN_MS = Date.UTC(2000, 0, 1);
const MAX_MS = Date.UTC(2100, 0, 1);
const inRange = (ms: number): number | undefined => (Number.isFinite(ms) && ms >= MIN_MS && ms < MAX_MS ? ms : undefined);

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat | undefined {
  let f = formatters.get(timeZone);
  if (f) return f;
  try {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
  } catch {
    return undefined;
  }
  formatters.set(timeZone, f);
  return f;
}

/** The zone's offset from UTC at instant `ms`, in milliseconds. */
function zoneOffset(ms: number, timeZone: string): number {
  if (timeZone === "UTC" || timeZone === "Etc/UTC") return 0;
  const f = formatter(timeZone);
  if (!f) return 0;
  const parts: Record<string, number> = {};
  for (const p of f.formatToParts(new Date(ms))) if (p.type !== "literal") parts[p.type] = Number(p.value);
  const asUtc = Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

export interface WallClock {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
}

/** A wall-clock time in `timeZone` → epoch ms; undefined for impossible dates (Feb 30). */
export function wallClockToMs(w: WallClock, timeZone = "UTC"): number | undefined {
  if (w.month < 1 || w.month > 12 || w.day < 1 || w.day > 31 || w.hour > 23 || w.minute > 59 || w.second > 60) return undefined;
  const guess = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, Math.min(w.second, 59), w.ms);
  const check = new Date(guess);
  if (check.getUTCDate() !== w.day || check.getUTCMonth() !== w.month - 1) return undefined;
  // Two passes settle the offset across a DST change (the second uses the offset at the corrected instant).
  let ms = guess - zoneOffset(guess, timeZone);
  ms = guess - zoneOffset(ms, timeZone);
  return inRange(ms);
}

/**
 * The zone of times written without an offset when none is configured: the
 * host's, as the process sees it (`TZ`, else /etc/localtime) — the zone
 * rsyslog and dpkg wrote them in. Read per call: `TZ` may change at runtime.
 */
export function hostTimeZone(): string {
  // Resolving costs ~50 µs (a new DateTimeFormat): once per TZ value, not once per line.
  const tz = process.env.TZ;
  if (hostZone === undefined || hostZone.tz !== tz) hostZone = { tz, zone: new Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC" };
  return hostZone.zone;
}
let hostZone: { tz: string | undefined; zone: string } | undefined;

/** True for a zone Intl knows (IANA names, `UTC`): config and CLI check zones with it before any line is read. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** `Nov` → 11; 0 when not a month name. */
export const monthNumber = (name: string): number => MONTHS.indexOf(name) + 1;

/**
 * Classic syslog `Nov 22 08:01:02` has no year: take the anchor's year (now,
 * or the file's modification time), and if that puts the line more than a day
 * after the anchor it was written the year before (a December line read in
 * January). Feb 29 walks back to the last leap year. Returns the year chosen too.
 */
export function classicSyslogYear(month: number, day: number, hms: readonly [number, number, number], anchor: Date, timeZone = "UTC"): { ms: number; year: number } | undefined {
  if (month < 1 || month > 12) return undefined;
  const anchorMs = anchor.getTime();
  let year = anchor.getUTCFullYear() + 1;
  for (let back = 0; back < 6; back += 1, year -= 1) {
    const ms = wallClockToMs({ year, month, day, hour: hms[0], minute: hms[1], second: hms[2], ms: 0 }, timeZone);
    if (ms !== undefined && ms <= anchorMs + 86_400_000) return { ms, year };
  }
  return undefined;
}

export function classicSyslogToMs(monthName: string, day: number, hms: [number, number, number], now: Date, timeZone = "UTC"): number | undefined {
  return classicSyslogYear(monthNumber(monthName), day, hms, now, timeZone)?.ms;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/i;

/** `2026-11-22T08:01:02.123456+00:00` (any fraction length, `Z` or ±hh:mm). */
export function rfc3339ToMs(text: string): number | undefined {
  return isoToMs(text, undefined);
}

/**
 * ISO 8601 as logs write it: RFC 3339, journalctl's `+0000` (no colon), or no
 * offset at all (rsyslog's local high-precision template) — read in
 * `zoneless` then; undefined zoneless means an offset is required.
 */
export function isoToMs(text: string, zoneless: string | undefined): number | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const wall = { year: Number(y), month: Number(mo), day: Number(d), hour: Number(h), minute: Number(mi), second: Number(s), ms: Number((frac ?? "0").padEnd(3, "0").slice(0, 3)) };
  if (zone === undefined) return zoneless === undefined ? undefined : wallClockToMs(wall, zoneless);
  const base = wallClockToMs(wall);
  if (base === undefined) return undefined;
  if (zone.toUpperCase() === "Z") return base;
  const sign = zone.startsWith("-") ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  const offset = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
  return inRange(base - offset);
}

/** journald `__REALTIME_TIMESTAMP`: microseconds since the epoch, as a decimal string. */
export function journaldMicrosToMs(micros: string): number | undefined {
  if (!/^\d{1,20}$/.test(micros)) return undefined;
  return inRange(Math.floor(Number(micros) / 1000));
}

/** `2026-11-22 08:01:02` (dpkg.log) or `2026-11-22  08:01:02` (apt history.log), local time. */
export function localDateTimeToMs(text: string, timeZone = hostTimeZone()): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2}) {1,2}(\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m;
  return wallClockToMs({ year: Number(y), month: Number(mo), day: Number(d), hour: Number(h), minute: Number(mi), second: Number(s), ms: 0 }, timeZone);
}

export const toIso = (ms: number): string => new Date(ms).toISOString();

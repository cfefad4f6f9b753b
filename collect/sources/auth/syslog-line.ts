import { z } from "zod";
import { parseRfc5424 } from "./rfc5424";
import { isoToMs, journaldMicrosToMs } from "./time";

/**
 * The envelope of one auth-log record, whichever way it was written:
 *   classic   `Nov 22 08:01:02 web-01 sshd[1234]: Accepted …` (also journalctl's default `short`)
 *   ISO 8601  `2026-11-22T08:01:02.123456+00:00 web-01 sshd[1234]: Accepted …` (rsyslog high precision,
 *             journalctl `-o short-iso` with `+0000`, or no offset at all: local time)
 *   RFC 5424  `<38>1 2026-11-22T08:01:02.123Z web-01 sshd 1234 - - Accepted …`
 *   journald  `{"__REALTIME_TIMESTAMP":"…","SYSLOG_IDENTIFIER":"sshd","_PID":"1234","MESSAGE":"Accepted …"}`
 */
export interface SyslogRecord {
  timeMs: number;
  program: string;
  pid: string | undefined;
  message: string;
  /** journald's `__CURSOR`: a natural key that survives re-reading the journal. */
  cursor: string | undefined;
  /** Classic timestamps carry no year: it was inferred (syslog-year.ts). */
  yearInferred: boolean;
}

export type SyslogParse = { ok: true; record: SyslogRecord } | { ok: false; reason: string; noise?: true };

/** How a line's zone-less times are read: the zone, and the year of a classic `Mmm dd hh:mm:ss`. */
export interface SyslogClock {
  timeZone: string;
  classic(monthName: string, day: number, hms: readonly [number, number, number]): number | undefined;
}

// Month, space-padded day, time, host, `prog[pid]:` or `prog:`. Bounded tokens keep it linear.
// Old shadow login(1) logs under the ident `-- root` (`combo  -- root[2421]: ROOT LOGIN ON tty2`).
const CLASSIC = /^([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\S{1,255}) {1,2}(-- )?([^\s[:]{1,64})(?:\[(\d{1,10})\])?: ?/;
const ISO = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?) (\S{1,255}) ([^\s[:]{1,64})(?:\[(\d{1,10})\])?: ?/i;
/** journalctl's own lines between entries: `-- Logs begin at …`, `-- Boot 4f2a… --`, `-- No entries --`. */
const JOURNALCTL_MARKER = /^-- (?:Logs begin at|Journal begins at|Boot [0-9a-f]{32} --|No entries --|Reboot --)/;

/** journald writes non-UTF-8 messages as arrays of bytes, and null for binary-only fields. */
const journalMessage = z.union([z.string(), z.array(z.number().int().min(0).max(255)).max(1_000_000), z.null()]);
const journalEntry = z.object({
  __REALTIME_TIMESTAMP: z.string(),
  __CURSOR: z.string().max(1024).optional(),
  SYSLOG_IDENTIFIER: z.string().max(256).optional(),
  _COMM: z.string().max(256).optional(),
  _PID: z.string().max(20).optional(),
  SYSLOG_PID: z.string().max(20).optional(),
  MESSAGE: journalMessage.optional(),
});

export function parseSyslogLine(line: string, clock: SyslogClock): SyslogParse {
  if (line.startsWith("{")) return parseJournal(line);
  const classic = CLASSIC.exec(line);
  if (classic) {
    const [whole, mon, day, h, mi, s, , loginIdent, program, pid] = classic;
    const timeMs = clock.classic(mon ?? "", Number(day), [Number(h), Number(mi), Number(s)]);
    if (timeMs === undefined) return { ok: false, reason: "impossible classic syslog date" };
    // The `-- user` ident is login(1)'s; its messages (ROOT LOGIN ON tty1) are read as login's.
    const name = loginIdent ? "login" : (program ?? "");
    return { ok: true, record: { timeMs, program: name, pid, message: line.slice(whole.length), cursor: undefined, yearInferred: true } };
  }
  if (line.startsWith("<")) return parse5424(line, clock);
  const iso = ISO.exec(line);
  if (iso) {
    const [whole, stamp, , program, pid] = iso;
    const timeMs = isoToMs(stamp ?? "", clock.timeZone);
    if (timeMs === undefined) return { ok: false, reason: "impossible ISO 8601 date" };
    return { ok: true, record: { timeMs, program: program ?? "", pid, message: line.slice(whole.length), cursor: undefined, yearInferred: false } };
  }
  if (JOURNALCTL_MARKER.test(line)) return { ok: false, reason: "journalctl marker line", noise: true };
  return { ok: false, reason: "no syslog header (timestamp host program:)" };
}

function parse5424(line: string, clock: SyslogClock): SyslogParse {
  const h = parseRfc5424(line);
  if (!h) return { ok: false, reason: "malformed RFC 5424 header" };
  // A NILVALUE timestamp (a device without a clock) gives no time to record.
  const timeMs = h.stamp === undefined ? undefined : isoToMs(h.stamp, clock.timeZone);
  if (timeMs === undefined) return { ok: false, reason: "RFC 5424 line without a valid timestamp" };
  return { ok: true, record: { timeMs, program: h.program, pid: h.pid, message: h.message, cursor: undefined, yearInferred: false } };
}

function parseJournal(line: string): SyslogParse {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { ok: false, reason: "journald line is not JSON" };
  }
  const parsed = journalEntry.safeParse(json);
  if (!parsed.success) return { ok: false, reason: "journald entry lacks __REALTIME_TIMESTAMP" };
  const e = parsed.data;
  const timeMs = journaldMicrosToMs(e.__REALTIME_TIMESTAMP);
  if (timeMs === undefined) return { ok: false, reason: "bad __REALTIME_TIMESTAMP" };
  const message = typeof e.MESSAGE === "string" ? e.MESSAGE : Array.isArray(e.MESSAGE) ? Buffer.from(e.MESSAGE).toString("utf8") : "";
  const program = e.SYSLOG_IDENTIFIER ?? e._COMM ?? "";
  return { ok: true, record: { timeMs, program, pid: e._PID ?? e.SYSLOG_PID, message, cursor: e.__CURSOR, yearInferred: false } };
}

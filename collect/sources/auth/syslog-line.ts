import { z } from "zod";
import { classicSyslogToMs, journaldMicrosToMs, rfc3339ToMs } from "./time";

/**
 * The envelope of one auth-log record, whichever way it was written:
 *   classic  `Nov 22 08:01:02 web-01 sshd[1234]: Accepted …`
 *   RFC 3339 `2026-11-22T08:01:02.123456+00:00 web-01 sshd[1234]: Accepted …`
 *   journald `{"__REALTIME_TIMESTAMP":"…","SYSLOG_IDENTIFIER":"sshd","_PID":"1234","MESSAGE":"Accepted …"}`
 */
export interface SyslogRecord {
  timeMs: number;
  program: string;
  pid: string | undefined;
  message: string;
  /** journald's `__CURSOR`: a natural key that survives re-reading the journal. */
  cursor: string | undefined;
}

export type SyslogParse = { ok: true; record: SyslogRecord } | { ok: false; reason: string };

// Month, space-padded day, time, host, `prog[pid]:` or `prog:`. Bounded tokens keep it linear.
const CLASSIC = /^([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\S{1,255}) ([^\s[:]{1,64})(?:\[(\d{1,10})\])?: ?/;
const RFC = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})) (\S{1,255}) ([^\s[:]{1,64})(?:\[(\d{1,10})\])?: ?/i;

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

export function parseSyslogLine(line: string, now: Date, timeZone: string | undefined): SyslogParse {
  if (line.startsWith("{")) return parseJournal(line);
  const classic = CLASSIC.exec(line);
  if (classic) {
    const [whole, mon, day, h, mi, s, , program, pid] = classic;
    const timeMs = classicSyslogToMs(mon ?? "", Number(day), [Number(h), Number(mi), Number(s)], now, timeZone);
    if (timeMs === undefined) return { ok: false, reason: "impossible classic syslog date" };
    return { ok: true, record: { timeMs, program: program ?? "", pid, message: line.slice(whole.length), cursor: undefined } };
  }
  const rfc = RFC.exec(line);
  if (rfc) {
    const [whole, stamp, , program, pid] = rfc;
    const timeMs = rfc3339ToMs(stamp ?? "");
    if (timeMs === undefined) return { ok: false, reason: "impossible RFC 3339 date" };
    return { ok: true, record: { timeMs, program: program ?? "", pid, message: line.slice(whole.length), cursor: undefined } };
  }
  return { ok: false, reason: "no syslog header (timestamp host program:)" };
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
  return { ok: true, record: { timeMs, program, pid: e._PID ?? e.SYSLOG_PID, message, cursor: e.__CURSOR } };
}

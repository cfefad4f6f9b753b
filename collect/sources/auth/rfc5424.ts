/**
 * RFC 5424 syslog (rsyslog's RSYSLOG_SyslogProtocol23Format, syslog-ng's
 * `syslog` output, many appliances):
 *   `<38>1 2026-11-22T08:01:02.123456+00:00 web-01 sshd 1234 - - Accepted …`
 *   `<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 [exampleSDID@32473 iut="3"] BOM'su root' failed …`
 * PRI and VERSION, then TIMESTAMP HOSTNAME APP-NAME PROCID MSGID (each may be
 * the NILVALUE `-`), STRUCTURED-DATA (`-` or `[id k="v"]…`, `]` escaped as `\]`
 * inside values), then MSG, which may start with a UTF-8 BOM.
 */
export interface Rfc5424Header {
  stamp: string | undefined;
  program: string;
  pid: string | undefined;
  message: string;
}

const HEAD = /^<(\d{1,3})>1 (\S{1,64}) (\S{1,255}) (\S{1,48}) (\S{1,128}) (\S{1,32}) /;

export function parseRfc5424(line: string): Rfc5424Header | undefined {
  const m = HEAD.exec(line);
  if (!m) return undefined;
  const [whole, , stamp, , app, procid] = m;
  const sdEnd = structuredDataEnd(line, whole.length);
  if (sdEnd === undefined) return undefined;
  let message = line.slice(sdEnd).replace(/^ /, "");
  if (message.startsWith("\uFEFF")) message = message.slice(1);
  return {
    stamp: stamp === "-" ? undefined : stamp,
    program: app === "-" || app === undefined ? "" : app,
    pid: procid === "-" || procid === undefined || !/^\d{1,10}$/.test(procid) ? undefined : procid,
    message,
  };
}

/** Index just past STRUCTURED-DATA, or undefined when it is malformed (an unclosed element). */
function structuredDataEnd(line: string, from: number): number | undefined {
  if (line.startsWith("-", from)) return from + 1;
  let i = from;
  while (line.charCodeAt(i) === 0x5b /* [ */) {
    let inQuotes = false;
    i += 1;
    for (; i < line.length; i += 1) {
      const c = line.charCodeAt(i);
      if (c === 0x5c /* \ */ && inQuotes) i += 1;
      else if (c === 0x22 /* " */) inQuotes = !inQuotes;
      else if (c === 0x5d /* ] */ && !inQuotes) break;
    }
    if (i >= line.length) return undefined;
    i += 1;
  }
  return i === from ? undefined : i;
}

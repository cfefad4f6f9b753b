import { isIP } from "node:net";
import { deriveEventId, type AuditEvent } from "../../../schemas";
import { buildEvent, ParserStats, stripCr, type EventBody, type SourceContext, type SourceParser, type SourcePosition } from "../types";
import { handleConsoleLogin, handleLegacyPam, type AuthEmitter } from "./legacy-handler";
import { legacyPamService } from "./legacy-messages";
import { sudoBody, suBody, who, type Who } from "./privilege";
import { BoundedMap, newSessionMap, sessionIdFor } from "./sessions";
import { classifySshd, type SshdMessage } from "./sshd-messages";
import { classifySu, classifySudo } from "./sudo-su-messages";
import { parseSyslogLine, type SyslogClock, type SyslogRecord } from "./syslog-line";
import { SyslogYears } from "./syslog-year";
import { SudoJsonParser } from "../sudo/parser";
import { hostTimeZone, toIso } from "./time";

export interface AuthParserOptions {
  /** Accounts that are automation, not people (`deploy`, `ansible`): actor_kind service. */
  serviceAccounts?: readonly string[];
}

/** rsyslog's `$RepeatedMsgReduction` can fold thousands of lines; cap one fold so a corrupt count cannot allocate without bound. */
const MAX_REPEAT = 10_000;
const REPEATED = /^message repeated (\d{1,9}) times: \[ ?(.*)\]\s*$/s;
const SSHD = new Set(["sshd", "sshd-session", "sshd-auth"]);

export interface Line {
  rec: SyslogRecord;
  key: string;
  index: number;
  raw: string;
}

interface PendingInvalid {
  line: Line;
  user: string;
  ip: string;
}

/**
 * /var/log/auth.log, /var/log/secure, /var/log/messages (legacy PAM tags),
 * RFC 5424 syslog and `journalctl -o json|short|short-iso` → access.login,
 * access.login_failed, access.logout, access.privilege. Event ids derive from
 * (collector, "auth", journald cursor or file:offset, repeat index).
 */
export class AuthParser implements SourceParser, AuthEmitter {
  readonly source = "auth";
  readonly stats = new ParserStats();
  readonly sessions = newSessionMap();
  private readonly pendingInvalid = new BoundedMap<PendingInvalid>(4096);
  private readonly suSeen = new BoundedMap<true>(1024);
  private readonly serviceAccounts: ReadonlySet<string>;
  private readonly years = new SyslogYears();
  /** The zone of zone-less times, resolved once: the configured one, else the host's when the parser was made. */
  private readonly timeZone: string;
  private lastClock: { file: string; clock: SyslogClock } | undefined;
  /** sudo 1.9 `log_format=json` to syslog: `sudo[pid]: @cee:{"sudo":{"accept":{…}}}`. */
  private readonly sudoJson: SudoJsonParser;

  constructor(
    private readonly ctx: SourceContext,
    options: AuthParserOptions = {},
  ) {
    this.serviceAccounts = new Set(options.serviceAccounts ?? []);
    this.sudoJson = new SudoJsonParser(ctx, options);
    this.timeZone = ctx.timeZone ?? hostTimeZone();
  }

  private sudoCee(line: Line, payload: string): AuditEvent[] {
    let json: unknown;
    try {
      json = JSON.parse(payload);
    } catch {
      return [];
    }
    const inner = typeof json === "object" && json !== null && "sudo" in json ? json.sudo : undefined;
    // The JSON's own time and uuid make the event; counted in this parser's stats like any other line.
    const events = this.sudoJson.record(inner, line.raw, line.key) ?? [];
    this.stats.events += events.length;
    return events;
  }

  push(line: string, position: SourcePosition): AuditEvent[] {
    this.stats.lines += 1;
    const raw = stripCr(line);
    const parsed = parseSyslogLine(raw, this.clock(position.file));
    if (!parsed.ok) {
      if (parsed.noise) this.stats.ignored += 1;
      else this.stats.unparsedLine(raw, parsed.reason);
      return [];
    }
    const rec = parsed.record;
    const key = rec.cursor ?? `${position.file}:${position.offset}`;
    const repeated = REPEATED.exec(rec.message);
    const count = repeated ? Math.min(Number(repeated[1]), MAX_REPEAT) : 1;
    const message = repeated ? (repeated[2] ?? "") : rec.message;
    const out: AuditEvent[] = [];
    for (let index = 0; index < count; index += 1) {
      const events = this.handle({ rec: { ...rec, message }, key, index, raw });
      if (events.length === 0) break; // a repeated noise line is noise every time
      out.push(...events);
    }
    if (out.length === 0) this.stats.ignored += 1;
    return out;
  }

  flush(): AuditEvent[] {
    return this.pendingInvalid.drain().flatMap((p) => this.invalidUserEvent(p));
  }

  /** One clock per file (not per line: this runs for every line of a busy auth.log). */
  private clock(file: string): SyslogClock {
    if (this.lastClock?.file === file) return this.lastClock.clock;
    const timeZone = this.timeZone;
    const anchor = () => this.ctx.fileTime?.(file) ?? this.ctx.now();
    const clock: SyslogClock = { timeZone, classic: (mon, day, hms) => this.years.resolve(file, mon, day, hms, anchor, timeZone) };
    this.lastClock = { file, clock };
    return clock;
  }

  private handle(line: Line): AuditEvent[] {
    const { program, message } = line.rec;
    const legacy = legacyPamService(program);
    if (legacy !== undefined) return handleLegacyPam(this, line, legacy, message);
    if (program === "login") return handleConsoleLogin(this, line, message);
    if (SSHD.has(program)) {
      const m = classifySshd(message);
      return m ? this.sshd(line, m) : [];
    }
    if (program === "sudo" && message.startsWith("@cee:")) return this.sudoCee(line, message.slice(5));
    if (program === "sudo") {
      const m = classifySudo(message);
      return m ? this.emit(line, sudoBody(m, this.who(m.user, 1))) : [];
    }
    if (program === "su") {
      const m = classifySu(message);
      if (!m) return [];
      // One su logs up to three lines (`Successful su`, `(to root)`, pam session opened): one event per su process.
      const seenKey = `${line.rec.pid ?? line.key}:${m.ok}`;
      if (line.rec.pid !== undefined && this.suSeen.get(seenKey)) return [];
      if (line.rec.pid !== undefined) this.suSeen.set(seenKey, true);
      return this.emit(line, suBody(m, this.who(m.by, 1)));
    }
    return [];
  }

  private sshd(line: Line, m: SshdMessage): AuditEvent[] {
    const pid = line.rec.pid ?? line.key;
    switch (m.kind) {
      case "accepted": {
        const sessionId = sessionIdFor(pid, line.rec.timeMs);
        const sourceIp = this.remote(m.ip).source_ip;
        this.sessions.set(pid, { user: m.user, startMs: line.rec.timeMs, sessionId, closed: false, ...(sourceIp === undefined ? {} : { sourceIp }) });
        return this.emit(line, {
          type: "access.login",
          ...this.who(m.user, 1),
          channel: "ssh",
          session_id: sessionId,
          outcome: "success",
          ...this.remote(m.ip),
          labels: { method: m.method, ...(m.key ? { key: m.key } : {}) },
        });
      }
      case "failed":
        this.pendingInvalid.delete(pid);
        // The name was claimed, not proven: 0.5, and an unknown kind when the account does not exist.
        return this.emit(line, {
          type: "access.login_failed",
          ...this.who(m.user, 0.5),
          ...(m.invalid ? { actor_kind: "unknown" as const } : {}),
          channel: "ssh",
          outcome: "failure",
          reason: m.invalid ? `failed ${m.method}; invalid user` : `failed ${m.method}`,
          ...this.remote(m.ip),
          labels: { method: m.method },
        });
      case "invalid-user": {
        // Held until the connection shows whether password attempts follow (each becomes its own event).
        const evicted = this.pendingInvalid.set(pid, { line, user: m.user, ip: m.ip });
        return evicted ? this.invalidUserEvent(evicted) : [];
      }
      case "preauth-invalid-close": {
        const pending = this.pendingInvalid.delete(pid);
        return pending ? this.invalidUserEvent(pending) : [];
      }
      case "session":
        if (m.service !== "sshd") return [];
        if (m.opened) {
          const known = this.sessions.get(pid);
          if (!known) this.sessions.set(pid, { user: m.user, startMs: line.rec.timeMs, sessionId: sessionIdFor(pid, undefined), closed: false });
          return [];
        }
        return this.logout(line, pid, m.user, "ssh");
      case "disconnected-user":
        return this.logout(line, pid, m.user, "ssh");
    }
  }

  /** sshd logs `Disconnected from user` then pam `session closed`: the first one seen ends the session. */
  logout(line: Line, pid: string, user: string, channel: "ssh" | "console"): AuditEvent[] {
    const session = this.sessions.get(pid);
    if (session?.closed) return [];
    const sessionId = session?.sessionId ?? sessionIdFor(pid, undefined);
    this.sessions.set(pid, { user, startMs: session?.startMs, sessionId, closed: true });
    const start = session?.startMs;
    return this.emit(line, {
      type: "access.logout",
      ...this.who(user, 1),
      channel,
      session_id: sessionId,
      outcome: "success",
      source_ip: session?.sourceIp,
      duration_s: start === undefined ? undefined : Math.max(0, (line.rec.timeMs - start) / 1000),
    });
  }

  private invalidUserEvent(p: PendingInvalid): AuditEvent[] {
    return this.emit(p.line, {
      type: "access.login_failed",
      ...this.who(p.user, 0.5),
      actor_kind: "unknown",
      channel: "ssh",
      outcome: "failure",
      reason: "invalid user",
      ...this.remote(p.ip),
    });
  }

  who(user: string, confidence: number): Who {
    return who(user, confidence, this.serviceAccounts);
  }

  /** sshd logs a host name instead of an address when UseDNS is on; only addresses fill source_ip. */
  remote(address: string): { source_ip?: string } {
    return isIP(address) ? { source_ip: address } : {};
  }

  emit(line: Line, draft: EventBody): AuditEvent[] {
    // Classic timestamps have no year: say that it was inferred (from the file's mtime and the lines before).
    const labels = line.rec.yearInferred ? { ...draft.labels, time_inferred: "year" } : draft.labels;
    const event = buildEvent(
      this.ctx,
      this.stats,
      { ...draft, labels, event_id: deriveEventId(this.ctx.collectorId, "auth", line.key, line.index), occurred_at: toIso(line.rec.timeMs) },
      line.raw,
    );
    return event ? [event] : [];
  }
}

import { deriveEventId, type AuditEvent } from "../../../schemas";
import { boundCommand, redact } from "../../redact";
import { renderArgs } from "../auditd/command";
import { BoundedMap } from "../auth/sessions";
import { toIso } from "../auth/time";
import { buildEvent, ParserStats, stripCr, type EventBody, type SourceContext, type SourceParser, type SourcePosition } from "../types";
import { JsonAssembler } from "./assemble";
import { sudoRecords, type SudoEventType, type SudoRecord } from "./entry";

export interface SudoJsonOptions {
  /** sudoers users that are automation (`deploy`, `ansible`): actor_kind service. */
  serviceAccounts?: readonly string[];
}

/** Accepts remembered for their exit record (same uuid), which may come hours later. */
const OPEN_SESSIONS = 4096;

/**
 * sudo 1.9 `log_format=json` (pretty log file or one compact record per line)
 * and I/O log `log.json` files → access.privilege (accept, reject) and
 * access.exec (exit: the command's status once it ended). Event ids derive
 * from the record's uuid when it has one (accept and exit share it), else
 * from its position in the file.
 */
export class SudoJsonParser implements SourceParser {
  readonly source = "sudo";
  readonly stats = new ParserStats();
  private readonly assembler = new JsonAssembler();
  /** Exit records carry only the uuid: who ran what comes from its accept. */
  private readonly accepted = new BoundedMap<{ user: string; command: string | undefined }>(OPEN_SESSIONS);
  private readonly serviceAccounts: ReadonlySet<string>;
  private docStart: SourcePosition | undefined;

  constructor(
    private readonly ctx: SourceContext,
    options: SudoJsonOptions = {},
  ) {
    this.serviceAccounts = new Set(options.serviceAccounts ?? []);
  }

  push(input: string, position: SourcePosition): AuditEvent[] {
    this.stats.lines += 1;
    if (!this.assembler.open) this.docStart = position;
    return this.documents(this.assembler.push(stripCr(input)), this.docStart ?? position);
  }

  flush(): AuditEvent[] {
    return this.documents(this.assembler.flush(), this.docStart ?? { file: "", offset: 0 });
  }

  /** One JSON text (a compact record, a syslog `@cee:` payload): for the auth parser. */
  record(json: unknown, raw: string, key: string): AuditEvent[] | undefined {
    const records = sudoRecords(json);
    return records?.flatMap((r, i) => this.event(r.type, r.record, raw, `${key}:${i}`));
  }

  private documents(docs: ReturnType<JsonAssembler["push"]>, start: SourcePosition): AuditEvent[] {
    const out: AuditEvent[] = [];
    for (const d of docs) {
      if (d.kind === "stray") {
        this.stats.unparsedLine(d.line, "not part of a sudo JSON record");
        continue;
      }
      if (d.kind === "too-large") {
        this.stats.unparsedLine(d.firstLine, "sudo JSON record over 4 MiB");
        continue;
      }
      let json: unknown;
      try {
        json = JSON.parse(d.text);
      } catch {
        this.stats.unparsedLine(d.firstLine, "sudo JSON record is not valid JSON");
        continue;
      }
      const events = this.record(json, d.text, `${start.file}:${start.offset}`);
      if (events === undefined) this.stats.unparsedLine(d.firstLine, "not a sudo accept/reject/exit record or log.json");
      else if (events.length === 0) this.stats.ignored += 1;
      else out.push(...events);
    }
    return out;
  }

  private event(type: SudoEventType | "iolog", r: SudoRecord, raw: string, key: string): AuditEvent[] {
    const time = r.submit_time ?? r.exit_time ?? r.alert_time ?? r.timestamp ?? r.server_time;
    if (time === undefined || type === "alert") return [];
    const ms = time.seconds * 1000 + Math.floor((time.nanoseconds ?? 0) / 1_000_000);
    // The envelope accepts 2000–2100; a record outside is a clock far off or a corrupt field, not an event.
    if (!(ms >= Date.UTC(2000, 0, 1) && ms < Date.UTC(2100, 0, 1))) {
      this.stats.unparsedLine(raw, "sudo record time outside 2000–2100");
      return [];
    }
    const command = r.runargv && r.runargv.length > 0 ? renderArgs(r.runargv) : r.command;
    if (r.uuid && type === "accept") this.accepted.set(r.uuid, { user: r.submituser ?? "", command });
    const opened = type === "exit" && r.uuid ? this.accepted.delete(r.uuid) : undefined;
    const user = r.submituser ?? opened?.user ?? "";
    const who = {
      actor_id: user === "" ? "unknown" : user,
      actor_kind: user === "" ? ("unknown" as const) : this.serviceAccounts.has(user) ? ("service" as const) : ("human" as const),
      attribution_method: user === "" ? ("none" as const) : ("auth-log" as const),
      attribution_confidence: user === "" ? 0 : 1,
    };
    const labels = {
      source: "sudo-json",
      ...(r.uuid ? { sudo_uuid: r.uuid } : {}),
      ...(r.ttyname ? { tty: r.ttyname } : {}),
      ...(r.submitcwd ? { cwd: r.submitcwd } : {}),
      ...(r.submithost ? { submit_host: r.submithost } : {}),
      ...(r.iolog_path ? { iolog_path: r.iolog_path } : {}),
      ...(r.exit_value !== undefined ? { exit_status: String(r.exit_value) } : {}),
      ...(r.signal ? { signal: r.signal } : {}),
    };
    const bounded = (c: string | undefined) => (c === undefined ? undefined : boundCommand(redact(c)));
    let body: EventBody;
    if (type === "exit") {
      const failed = (r.exit_value ?? 0) !== 0 || r.signal !== undefined;
      body = {
        type: "access.exec", ...who, channel: "sudo", outcome: failed ? "failure" : "success",
        reason: r.signal ? `killed by ${r.signal}` : r.exit_value ? `exit ${r.exit_value}` : undefined,
        command: bounded(opened?.command),
        // access.exec has no duration field: the run time rides as a label.
        labels: { ...labels, ...(r.run_time ? { run_time_s: String(r.run_time.seconds) } : {}) },
      };
    } else {
      body = {
        type: "access.privilege", ...who, effective_user: r.runuser, channel: "sudo",
        outcome: type === "reject" ? "failure" : "success", reason: type === "reject" ? r.reason : undefined, command: bounded(command), labels,
      };
    }
    const id = deriveEventId(this.ctx.collectorId, "sudo", r.uuid ? `${r.uuid}:${type}` : `${key}:${type}`);
    const event = buildEvent(this.ctx, this.stats, { ...body, event_id: id, occurred_at: toIso(ms) }, raw);
    return event ? [event] : [];
  }
}

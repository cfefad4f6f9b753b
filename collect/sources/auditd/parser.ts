import type { AuditEvent } from "../../../schemas";
import { ParserStats, stripCr, type SourceContext, type SourceParser, type SourcePosition } from "../types";
import { buildFromGroup, type AuditdOptions } from "./events";
import { RecordGrouper, type GroupOutput } from "./group";
import { parseRecord } from "./record";
import { hostTimeZone } from "../auth/time";

/**
 * /var/log/audit/audit.log → access.exec (EXECVE) and change.file who-data
 * (open-for-write, rename, unlink, chmod…). Event ids derive from
 * (collector, "auditd", host, `ts:serial`, item): the record's natural key,
 * so the same event read again from audit.log.1 keeps its id.
 */
export class AuditdParser implements SourceParser {
  readonly source = "auditd";
  readonly stats = new ParserStats();
  /** Relative PATH names under a directory fd, which the log cannot resolve. */
  unresolvedPaths = 0;
  private readonly grouper = new RecordGrouper();
  /** `ausearch -i` prints local times: read them in the configured zone, else the host's. */
  private readonly timeZone: string;

  constructor(
    private readonly ctx: SourceContext,
    private readonly options: AuditdOptions = {},
  ) {
    this.timeZone = ctx.timeZone ?? hostTimeZone();
  }

  push(input: string, _position: SourcePosition): AuditEvent[] {
    this.stats.lines += 1;
    const line = stripCr(input);
    if (line === "----") {
      this.stats.ignored += 1; // ausearch's separator between events
      return [];
    }
    const record = parseRecord(line, this.timeZone);
    if (!record) {
      this.stats.unparsedLine(line, "no `type=… msg=audit(ts:serial):` header");
      return [];
    }
    return this.build(this.grouper.add(record));
  }

  flush(): AuditEvent[] {
    return this.build(this.grouper.flush());
  }

  private build(outputs: GroupOutput[]): AuditEvent[] {
    const out: AuditEvent[] = [];
    for (const o of outputs) {
      if (o.kind === "dropped-record") {
        this.stats.ignored += 1;
        continue;
      }
      const built = buildFromGroup(this.ctx, this.stats, this.options, o.records);
      this.unresolvedPaths += built.unresolvedPaths;
      if (built.ignored) this.stats.ignored += 1;
      out.push(...built.events);
    }
    return out;
  }
}

import { deriveEventId, type AuditEvent, type PackageOp } from "../../../schemas";
import { toIso, localDateTimeToMs } from "../auth/time";
import { buildEvent, ParserStats, type SourceContext, type SourceParser, type SourcePosition } from "../types";
import { compareDebianVersions } from "./version";

/**
 * /var/log/dpkg.log → change.package.
 *   `2026-11-22 08:01:02 upgrade openssl:amd64 3.0.13-1 3.0.15-1`
 *   `2026-11-22 08:01:02 install nginx:amd64 <none> 1.24.0-2`
 *   `2026-11-22 08:01:02 remove openssl:amd64 3.0.15-1 <none>`  (and `purge`)
 * `status`, `configure`, `trigproc`, `startup` and `conffile` lines describe
 * the same change's steps: ignored. dpkg.log names no user: the events carry
 * actor unknown / attribution none until the apt history join (join.ts)
 * attributes them.
 */
const ACTION = /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) (install|upgrade|remove|purge) (\S{1,256}) (\S{1,64}) (\S{1,64})\s*$/;
const NOISE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} (?:status|configure|trigproc|startup|conffile) /;

export class DpkgParser implements SourceParser {
  readonly source = "packages";
  readonly stats = new ParserStats();

  constructor(private readonly ctx: SourceContext) {}

  push(line: string, position: SourcePosition): AuditEvent[] {
    this.stats.lines += 1;
    const m = ACTION.exec(line);
    if (!m) {
      if (NOISE.test(line)) this.stats.ignored += 1;
      else this.stats.unparsedLine(line, "not a dpkg.log action line");
      return [];
    }
    const [, stamp, action, nameArch, before, after] = m;
    const timeMs = localDateTimeToMs(stamp ?? "", this.ctx.timeZone);
    if (timeMs === undefined) {
      this.stats.unparsedLine(line, "impossible date");
      return [];
    }
    const colon = (nameArch ?? "").indexOf(":");
    const pkg = colon > 0 ? (nameArch ?? "").slice(0, colon) : (nameArch ?? "");
    const arch = colon > 0 ? (nameArch ?? "").slice(colon + 1) : undefined;
    const versionBefore = before === "<none>" ? undefined : before;
    const versionAfter = after === "<none>" ? undefined : after;
    const event = buildEvent(
      this.ctx,
      this.stats,
      {
        type: "change.package",
        event_id: deriveEventId(this.ctx.collectorId, "packages", position.file, position.offset),
        occurred_at: toIso(timeMs),
        actor_id: "unknown",
        actor_kind: "unknown",
        attribution_method: "none",
        attribution_confidence: 0,
        channel: "unknown",
        outcome: "success",
        package: pkg,
        op: packageOp(action ?? "", versionBefore, versionAfter),
        version_before: versionBefore,
        version_after: versionAfter,
        resource: nameArch,
        labels: { source: "dpkg", ...(arch ? { arch } : {}) },
      },
      line,
    );
    return event ? [event] : [];
  }

  flush(): AuditEvent[] {
    return [];
  }
}

function packageOp(action: string, before: string | undefined, after: string | undefined): PackageOp {
  if (action === "remove" || action === "purge") return action;
  if (action === "install" && before === undefined) return "install";
  if (before !== undefined && after !== undefined && compareDebianVersions(after, before) < 0) return "downgrade";
  return before === undefined ? "install" : "upgrade";
}

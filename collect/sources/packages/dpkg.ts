import { deriveEventId, type AuditEvent, type PackageOp } from "../../../schemas";
import { toIso, localDateTimeToMs } from "../auth/time";
import { buildEvent, ParserStats, stripCr, type SourceContext, type SourceParser, type SourcePosition } from "../types";
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
 *
 * One event per package action. `dpkg --purge` (apt-get purge) starts its run
 * with `startup packages purge` and logs `remove P` then, only for packages
 * with conffiles, `purge P`: the remove is the purge's first half (op purge),
 * and the purge line that follows it adds nothing. A reinstall is logged as
 * `upgrade P X X`: op reinstall, not an upgrade from X to X.
 */
const ACTION = /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) (install|upgrade|remove|purge) (\S{1,256}) (\S{1,64}) (\S{1,64})\s*$/;
const STARTUP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} startup (?:packages|archives) (\S{1,32})\s*$/;
const NOISE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} (?:status|configure|trigproc|conffile) /;
/** A purge run of more packages than this is rare (autoremove --purge of old kernels: tens). */
const MAX_RUN_PACKAGES = 4096;

export class DpkgParser implements SourceParser {
  readonly source = "packages";
  readonly stats = new ParserStats();

  /** The current dpkg run's action (`startup packages purge` → purge), and the packages it removed so far. */
  private run: { mode: string; removed: Set<string> } = { mode: "", removed: new Set() };

  constructor(private readonly ctx: SourceContext) {}

  push(input: string, position: SourcePosition): AuditEvent[] {
    this.stats.lines += 1;
    const line = stripCr(input);
    const m = ACTION.exec(line);
    if (!m) {
      const startup = STARTUP.exec(line);
      if (startup) this.run = { mode: startup[1] ?? "", removed: new Set() };
      if (startup || NOISE.test(line)) this.stats.ignored += 1;
      else this.stats.unparsedLine(line, "not a dpkg.log action line");
      return [];
    }
    const [, stamp, action, nameArch, before, after] = m;
    if (action === "purge" && this.run.removed.delete(nameArch ?? "")) {
      this.stats.ignored += 1; // the second half of a purge already reported at its remove
      return [];
    }
    if (action === "remove" && this.run.mode === "purge" && this.run.removed.size < MAX_RUN_PACKAGES) this.run.removed.add(nameArch ?? "");
    const timeMs = localDateTimeToMs(stamp ?? "", this.ctx.timeZone);
    if (timeMs === undefined) {
      this.stats.unparsedLine(line, "impossible date");
      return [];
    }
    const colon = (nameArch ?? "").indexOf(":");
    const pkg = colon > 0 ? (nameArch ?? "").slice(0, colon) : (nameArch ?? "");
    const arch = colon > 0 ? (nameArch ?? "").slice(colon + 1) : undefined;
    const versionBefore = before === "<none>" ? undefined : before;
    // Older dpkg writes `remove P 1.0 1.0`: nothing is installed after a removal.
    const versionAfter = after === "<none>" || action === "remove" || action === "purge" ? undefined : after;
    const op = action === "remove" && this.run.mode === "purge" ? "purge" : packageOp(action ?? "", versionBefore, versionAfter);
    const reinstall = action === "upgrade" && versionBefore !== undefined && versionBefore === versionAfter;
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
        op: reinstall ? "reinstall" : op,
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

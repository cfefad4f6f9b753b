import type { AuditEvent } from "../../schemas";
import type { Logger } from "../../lib/log";
import { AptHistoryParser, DpkgParser, PackageJoiner } from "../sources/packages";
import type { SourceContext } from "../sources/types";
import type { Pipeline } from "./pipeline";
import { TailSource } from "./tail-source";

/** Held dpkg events are checked for the joiner's hold window this often. */
const EXPIRE_EVERY_MS = 60_000;

export interface PackagesSourceOptions {
  dpkgLog: string;
  aptHistory: string;
  ctx: SourceContext;
  stateDir: string;
  pipeline: Pipeline;
  pollIntervalMs?: number;
  log: Logger;
}

/**
 * dpkg.log + apt/history.log → PackageJoiner → change.package attributed to
 * apt's Requested-By. The joiner holds dpkg events until apt writes its
 * stanza (up to HOLD_MS), so neither log's offsets are committed while any
 * event is held: a crash re-reads both from the last point where nothing was
 * held (at least once; the ids are deterministic, the store deduplicates).
 */
export class PackagesSource {
  readonly dpkgParser: DpkgParser;
  readonly aptParser: AptHistoryParser;
  private readonly joiner = new PackageJoiner();
  /** Ids of events the joiner holds (it exposes no count). */
  private readonly held = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  sources: TailSource[] = [];

  private constructor(private readonly opts: PackagesSourceOptions) {
    this.dpkgParser = new DpkgParser(opts.ctx);
    this.aptParser = new AptHistoryParser(opts.ctx.timeZone);
  }

  static async open(opts: PackagesSourceOptions): Promise<PackagesSource> {
    const p = new PackagesSource(opts);
    const common = {
      stateDir: opts.stateDir, pipeline: opts.pipeline, canCommit: () => p.held.size === 0, onDurable: (events: readonly AuditEvent[]) => p.release(events), log: opts.log, ...(opts.pollIntervalMs === undefined ? {} : { pollIntervalMs: opts.pollIntervalMs }) };
    p.sources = [
      await TailSource.open({
        ...common, source: "dpkg", path: opts.dpkgLog, stats: p.dpkgParser.stats,
        handle: (lines) => p.track(lines.flatMap((l) => p.dpkgParser.push(l.text, { file: l.fileId, offset: l.offset }))),
        flush: () => p.drain(),
      }),
      await TailSource.open({
        ...common, source: "apt", path: opts.aptHistory, stats: p.aptParser.stats,
        handle: (lines) => lines.flatMap((l) => p.aptParser.push(l.text)).flatMap((tx) => p.joiner.addTransaction(tx)),
        flush: () => p.aptParser.flush().flatMap((tx) => p.joiner.addTransaction(tx)),
      }),
    ];
    return p;
  }

  start(): Promise<void>[] {
    this.timer = setInterval(() => void this.expire(), EXPIRE_EVERY_MS);
    this.timer.unref();
    return this.sources.map((s) => s.start());
  }

  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    for (const s of this.sources) await s.stop();
  }

  /** Shutdown: apt's open stanza first (it may attribute), then whatever is still held, unattributed. */
  flushEvents(): AuditEvent[] {
    const apt = this.sources[1]?.flushEvents() ?? [];
    return [...apt, ...this.drain()];
  }

  /** After the flushed events are spooled: nothing is held, so the read lines can be committed. */
  async commitAll(flushed: readonly AuditEvent[]): Promise<void> {
    this.release(flushed);
    for (const s of this.sources) await s.commitReady();
  }

  private async expire(): Promise<void> {
    try {
      const released = this.joiner.expire(Date.now());
      await this.opts.pipeline.write(released);
      await this.commitAll(released);
    } catch (err) {
      this.opts.log.error({ err }, "releasing held package events failed; retrying next minute");
    }
  }

  private drain(): AuditEvent[] {
    return this.joiner.flush();
  }

  /** dpkg events into the joiner; what it did not pass on, it now holds. */
  private track(parsed: AuditEvent[]): AuditEvent[] {
    const passed = this.joiner.addEvents(parsed);
    const out = new Set(passed.map((e) => e.event_id));
    for (const e of parsed) if (!out.has(e.event_id)) this.held.add(e.event_id);
    return passed;
  }

  /** Spooled: no longer held. */
  private release(events: readonly AuditEvent[]): void {
    for (const e of events) this.held.delete(e.event_id);
  }
}

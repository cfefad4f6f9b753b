import type { Shipper, Spool } from "../spool";
import type { Pipeline } from "./pipeline";
import type { AgentSources } from "./sources";

export interface SourceStats {
  lines?: number;
  events: number;
  unparsed?: number;
  ignored?: number;
  invalid?: number;
  /** The newest unparsed/invalid line's reason, so a format surprise shows in the log without debug. */
  last_unparsed?: string;
}

export interface AgentStats {
  sources: Record<string, SourceStats>;
  spool: { used_bytes: number; limit_bytes: number; full: boolean };
  /** Spooled records not yet confirmed by the sink. */
  shipper: { lag_records: number; acked_seq: number; shipped: number; failures: number };
  spooled_events: number;
  paused: boolean;
}

export function agentStats(sources: AgentSources, spool: Spool, shipper: Shipper, pipeline: Pipeline): AgentStats {
  const out: Record<string, SourceStats> = {};
  for (const [name, s] of sources.stats) {
    if ("lines" in s) {
      const last = s.samples.at(-1);
      out[name] = { lines: s.lines, events: s.events, unparsed: s.unparsed, ignored: s.ignored, invalid: s.invalid, ...(last ? { last_unparsed: last.reason } : {}) };
    } else out[name] = { events: s.events };
  }
  const sp = spool.stats();
  const sh = shipper.stats();
  return {
    sources: out,
    spool: { used_bytes: sp.usedBytes, limit_bytes: sp.limitBytes, full: sp.full },
    shipper: { lag_records: sp.nextSeq - sp.ackedSeq, acked_seq: sp.ackedSeq, shipped: sh.records, failures: sh.failures },
    spooled_events: pipeline.spooledEvents,
    paused: pipeline.paused,
  };
}

import type { TruthChange } from "../../demo/generate";

/**
 * Scores the drift table against the demo fleet's ground truth.
 *  - precision violations: a change that came through a deploy or config
 *    management (truth "sanctioned") that the engine flagged, or did not
 *    call sanctioned;
 *  - recall misses: a direct edit whose content no commit holds
 *    (truth should_flag) that the engine did not flag;
 *  - false alarms: flagged although truth says no flag is due (reported, not
 *    part of the two assertions).
 */
export interface EngineVerdict {
  state: string;
  flagged: boolean;
}

export interface Score {
  files: number;
  shouldFlag: number;
  flagged: number;
  truePositives: number;
  precisionViolations: string[];
  recallMisses: string[];
  falseAlarms: string[];
  missingRows: string[];
  /** truth state → engine state → count. */
  confusion: Record<string, Record<string, number>>;
}

export function score(truth: readonly TruthChange[], engine: ReadonlyMap<string, EngineVerdict>): Score {
  const s: Score = { files: 0, shouldFlag: 0, flagged: 0, truePositives: 0, precisionViolations: [], recallMisses: [], falseAlarms: [], missingRows: [], confusion: {} };
  for (const c of truth) {
    if (c.kind !== "file") continue;
    s.files += 1;
    const v = engine.get(c.event_id);
    if (v === undefined) {
      s.missingRows.push(c.event_id);
      if (c.should_flag) s.recallMisses.push(c.event_id);
      continue;
    }
    const row = (s.confusion[c.state] ??= {});
    row[v.state] = (row[v.state] ?? 0) + 1;
    if (v.flagged) s.flagged += 1;
    if (c.should_flag) s.shouldFlag += 1;
    if (c.state === "sanctioned" && (v.flagged || v.state !== "sanctioned")) s.precisionViolations.push(c.event_id);
    if (c.should_flag && !v.flagged) s.recallMisses.push(c.event_id);
    if (c.should_flag && v.flagged) s.truePositives += 1;
    if (!c.should_flag && v.flagged) s.falseAlarms.push(c.event_id);
  }
  return s;
}

import { z } from "zod";
import type { DriftConfig } from "../config/drift";
import type { Logger } from "../lib/log";
import type { Store } from "../store/open";
import { defineQuery, insertRows } from "../store/query";
import { attribute, type Attribution } from "./attribution";
import { classify, pickBest, type Verdict } from "./classify";
import { treeNeeds, withDeploys, type Facts } from "./deploys";
import { driftFactsQuery } from "./facts";
import { TreeIndex } from "./trees";
import { compileMappings } from "./mappings";
import { driftRow, eventAttribution, type DriftRowInput } from "./rows";

/**
 * The drift job: classify every change in ClickHouse (facts.ts), which
 * returns only the changes whose facts differ from the stored evaluation,
 * finish the state machine per edit here (classify.ts), attribute direct
 * edits (attribution.ts), and write their new drift rows.
 *
 * Incremental: the first run of a process evaluates every host; later runs
 * evaluate the hosts with events received since the previous run plus the
 * hosts holding open edits (pending, unreconciled, flagged lost hotfixes),
 * which a new commit can turn into "backported" (or a lost hotfix into a
 * committed one) and the clock into "unreconciled". Late events (a
 * repository fetched hours later) arrive with a new received_at and are
 * picked up by the same rule.
 */
export interface DriftRunResult {
  /** Edits whose facts changed (what reached the state machine). */
  evaluated: number;
  written: number;
  hosts: number | "all";
  byState: Record<string, number>;
}

export interface DriftRunOptions {
  /** Evaluation time (tests and the demo pin it); default now. */
  now?: Date;
  /** Evaluate every host even after the first run. */
  full?: boolean;
  /** Evaluate only these hosts, now (the gate, before a deploy to them); the incremental watermark is left alone. */
  hosts?: readonly string[];
}

const watermarkQuery = defineQuery({
  name: "drift.watermark",
  params: z.object({}),
  row: z.object({ wm: z.string() }),
  sql: (t) => `SELECT toString(max(received_at)) AS wm FROM ${t.events}`,
});

const scopeQuery = defineQuery({
  name: "drift.scope",
  params: z.object({ since: z.string() }),
  row: z.object({ host: z.string() }),
  sql: (t) => `
    SELECT DISTINCT host FROM ${t.events}
    WHERE received_at > parseDateTime64BestEffort({since:String}, 3, 'UTC') AND type IN ('change.file', 'deploy.release', 'audit.view', 'access.exec', 'access.privilege', 'access.login')
    UNION DISTINCT
    SELECT DISTINCT host FROM ${t.drift} FINAL WHERE state IN ('pending', 'unreconciled') OR (state = 'lost_hotfix' AND flagged) OR (attribution_method = 'none' AND flagged)`,
});

export class DriftJob {
  private watermark: string | undefined;

  constructor(
    private readonly store: Store,
    private readonly config: DriftConfig,
    private readonly log: Logger,
  ) {}

  async runOnce(options: DriftRunOptions = {}): Promise<DriftRunResult> {
    const nowMs = (options.now ?? new Date()).getTime();
    const wm = (await watermarkQuery(this.store, {}))[0]?.wm ?? "";
    let hosts: string[] = [];
    const scoped = options.hosts !== undefined && options.hosts.length > 0;
    if (scoped) hosts = [...(options.hosts ?? [])];
    else if (this.watermark !== undefined && options.full !== true) {
      hosts = (await scopeQuery(this.store, { since: this.watermark })).map((r) => r.host);
      if (hosts.length === 0) {
        this.watermark = wm;
        return { evaluated: 0, written: 0, hosts: 0, byState: {} };
      }
    }
    const graceMs = Math.round(this.config.grace_period_hours * 3_600_000);
    const raw = await driftFactsQuery(this.store, { ...compileMappings(this.config.mappings), window_s: Math.round(this.config.deploy_window_minutes * 60), hosts, now_ms: nowMs, grace_ms: graceMs });
    const trees = await TreeIndex.load(this.store, treeNeeds(raw));
    const facts = raw.map((f) => withDeploys(f, trees));
    const best = bestPerEdit(facts, nowMs, graceMs);

    // Attribution only for edits a person made by hand: sanctioned changes carry their pipeline's identity.
    const direct = best.filter((b) => b.verdict.state !== "sanctioned").map((b) => b.facts.event_id);
    const people = await attribute(this.store, [...new Set(direct)]);
    const rows: Array<Record<string, unknown>> = [];
    const byState: Record<string, number> = {};
    for (const b of best) {
      const attribution: Attribution = b.verdict.state === "sanctioned" ? eventAttribution(b.facts) : (people.get(b.facts.event_id) ?? eventAttribution(b.facts));
      const input: DriftRowInput = { ...b, attribution };
      byState[b.verdict.state] = (byState[b.verdict.state] ?? 0) + 1;
      // Re-sent only for a retry of attribution: unchanged facts and the same person → nothing to write.
      if (b.facts.stored_fp === b.facts.fp && b.facts.stored_actor === attribution.actorId) continue;
      rows.push(driftRow(input, nowMs));
    }
    for (let i = 0; i < rows.length; i += 50_000) await insertRows(this.store, { table: "drift", rows: rows.slice(i, i + 50_000) });
    if (!scoped) this.watermark = wm;
    const result = { evaluated: best.length, written: rows.length, hosts: hosts.length === 0 ? ("all" as const) : hosts.length, byState };
    this.log.info(result, "drift job run");
    return result;
  }
}

/** One verdict per (change, path): the best over the mappings covering it. */
export function bestPerEdit(facts: readonly Facts[], nowMs: number, graceMs: number): Array<{ facts: Facts; verdict: Verdict }> {
  const groups = new Map<string, Array<{ facts: Facts; verdict: Verdict }>>();
  for (const f of facts) {
    const key = `${f.event_id}\u0000${f.path}`;
    const list = groups.get(key) ?? [];
    list.push({ facts: f, verdict: classify(f, nowMs, graceMs) });
    groups.set(key, list);
  }
  const out: Array<{ facts: Facts; verdict: Verdict }> = [];
  for (const list of groups.values()) {
    const b = pickBest(list);
    if (b !== undefined) out.push(b);
  }
  return out;
}

import { loadConfig } from "../config/load";
import { problemFinding, readFindings, upsertFindings } from "../ingest/integrity/findings";
import type { Problem } from "../ingest/integrity/problems";
import { collectorsQuery } from "../ingest/integrity/stream";
import { verifyStream, type StreamReport } from "../ingest/integrity/verify-stream";
import { listCollectorKeys } from "../store/collector-keys";
import { migrate } from "../store/migrate";
import { openStore, type Store } from "../store/open";
import { CONFIG_OPTION, parseCommandArgs, UsageError } from "./usage";

const USAGE = `usage: prodtrail verify [--collector ID] [--since TIME] [--json] [--record]
       prodtrail verify --archive DIR [--json]

Verifies the signatures, hash chain and sequence of every collector's stored
events (or one collector's; --since: only events that occurred since TIME,
an ISO time or 30m / 24h / 7d ago). An unsigned event of a head-signed
stream counts as verified when a later signed head covers it; events past
the last head are "awaiting head" for 10 minutes after receipt, then a
problem (uncovered). Read-only unless --record, which writes
what it finds as findings (detector integrity), as the ingest job does.
--archive checks an archive written by 'prodtrail export' offline, without
the store: part hashes, rows, and every collector's chain and signatures.
Exit status: 0 clean, 3 problems found, 1 error.
Embedded mode: run while 'prodtrail serve' is stopped, or against CLICKHOUSE_URL.`;

const OPTIONS = { ...CONFIG_OPTION, collector: { type: "string" }, since: { type: "string" }, json: { type: "boolean" }, record: { type: "boolean" }, archive: { type: "string" } } as const;

export const EXIT_PROBLEMS = 3;

/** ISO time, or "<n>m|h|d" before now. */
export function parseSince(text: string, now = Date.now()): string {
  const rel = /^(\d+)([mhd])$/.exec(text);
  if (rel?.[1] !== undefined && rel[2] !== undefined) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[rel[2]] ?? 0;
    return new Date(now - Number(rel[1]) * unit).toISOString();
  }
  const at = Date.parse(text);
  if (Number.isNaN(at)) throw new UsageError(`--since ${JSON.stringify(text)} is neither an ISO time nor 30m / 24h / 7d`, USAGE);
  return new Date(at).toISOString();
}

function problemLine(p: Problem): string {
  const where =
    p.kind === "gap" ? `seq ${p.seq}..${p.gapEnd ?? p.seq} missing (next event ${p.event.event_id})`
    : p.kind === "uncovered" ? `seq ${p.seq}..${p.gapEnd ?? p.seq} not covered by a signed head (first event ${p.event.event_id})`
    : `seq ${p.seq}  event ${p.event.event_id}`;
  const others = p.conflicting !== undefined && p.conflicting.length > 0 ? `  conflicts with ${p.conflicting.join(", ")}` : "";
  return `  ${p.kind.padEnd(14)} ${where}${others}`;
}

function problemCount(r: StreamReport, signed: number): number {
  return r.problems.length + (r.key === null && signed > 0 ? 1 : 0) + (r.key !== null && r.unsigned > 0 ? 1 : 0);
}

/** `prodtrail verify`; `deps.store` lets tests run it in-process over their own store. */
export async function runVerifyCommand(argv: string[], deps: { store?: Store; print?: (line: string) => void; now?: () => number } = {}): Promise<number> {
  const { values } = parseCommandArgs(argv, OPTIONS, USAGE);
  const print = deps.print ?? ((line: string) => console.log(line));
  if (values.help) {
    print(USAGE);
    return 0;
  }
  if (values.archive !== undefined) return (await import("./verify-archive")).verifyArchiveCommand(values.archive, { json: values.json === true, print });
  const since = values.since !== undefined ? parseSince(values.since) : undefined;
  let store = deps.store;
  try {
    if (store === undefined) {
      const config = loadConfig({ path: values.config });
      store = await openStore({ clickhouse: config.clickhouse, dataDir: config.data_dir });
      await migrate(store);
    }
    const registered = new Set((await listCollectorKeys(store)).map((k) => k.collectorId));
    const collectors = (await collectorsQuery(store, { collector_id: values.collector ?? "" })).filter((c) => c.signed > 0 || registered.has(c.collector_id));
    const reports: Array<{ report: StreamReport; signed: number }> = [];
    const now = (deps.now ?? Date.now)();
    for (const c of collectors) reports.push({ report: await verifyStream(store, c.collector_id, { now, ...(since !== undefined ? { since } : {}) }), signed: c.signed });
    const problems = reports.reduce((n, r) => n + problemCount(r.report, r.signed), 0);
    if (values.record === true) {
      for (const { report } of reports) {
        if (report.problems.length > 0) await upsertFindings(store, report.problems.map(problemFinding), await readFindings(store, report.collectorId));
      }
    }
    if (values.json === true) {
      print(JSON.stringify({ problems, collectors: reports.map(({ report }) => toJson(report)) }, null, 2));
    } else if (reports.length === 0) {
      print(values.collector !== undefined ? `no signed events from collector ${values.collector}` : "no signed events stored; nothing to verify");
    } else {
      for (const { report: r, signed } of reports) {
        const key = r.key === null ? "NO REGISTERED KEY" : `key ${r.key.slice(0, 12)}…`;
        print(`${r.collectorId}  ${key}  checked ${r.checked}  ok ${r.ok}  problems ${problemCount(r, signed)}  (${r.byHead} of them verified by a later head's signature)`);
        if (r.awaitingHead > 0) print(`  awaiting head  ${r.awaitingHead} event(s) after the last signed head, received within the grace time: not verified yet`);
        if (r.stranded > 0) print(`  unverifiable   ${r.stranded} event(s) before a gap or a tampered event: no signed head can vouch for them (see the problems below)`);
        if (r.key === null && signed > 0) print(`  unregistered   ${signed} signed event(s) cannot be checked: register the collector's key ('prodtrail collectors register')`);
        if (r.key !== null && r.unsigned > 0) print(`  unsigned       ${r.unsigned} unsigned event(s) from a collector with a registered key`);
        for (const p of r.problems) print(problemLine(p));
      }
    }
    return problems > 0 ? EXIT_PROBLEMS : 0;
  } catch (error) {
    console.error(`prodtrail verify: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    if (deps.store === undefined) await store?.close();
  }
}

function toJson(r: StreamReport) {
  return {
    collector_id: r.collectorId,
    public_key: r.key,
    checked: r.checked,
    ok: r.ok,
    verified_by_head: r.byHead,
    awaiting_head: r.awaitingHead,
    unverifiable: r.stranded,
    unsigned: r.unsigned,
    problems: r.problems.map((p) => ({
      kind: p.kind,
      seq: p.seq,
      ...(p.gapEnd !== undefined ? { gap_end: p.gapEnd } : {}),
      event_id: p.event.event_id,
      ...(p.conflicting !== undefined && p.conflicting.length > 0 ? { conflicting: p.conflicting } : {}),
    })),
  };
}

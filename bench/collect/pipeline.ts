/**
 * bench/collect/pipeline — the collector pipeline end to end as it was
 * before issue #13 against as it is, in the same run over the same lines.
 *
 *   npx tsx bench/collect/pipeline.ts [lines=200000] [rounds=3]
 *
 * For auth.log and audit.log: lines/s of parse (redaction included: the
 * parsers redact command and raw) → sign → spool (the real Pipeline and
 * Spool, fsync "interval" 200 ms as the collector's default config, batches
 * of TAIL_BATCH_LINES = 500 lines as the tail source hands them over). The
 * baseline is the collector before issue #13: every event signed (head
 * interval 1) and each batch written before the next is parsed. The other
 * run is today's collector daemon: head signing at DEFAULT_HEAD_INTERVAL (64), chain.json
 * persisted in the background (Signer backgroundChainState) and
 * the next batch parsed while the previous one is written. Both use today's
 * spool code (its CRC32C is faster now), which flatters the baseline. The modes
 * alternate round by round and the best of each is kept, so a shared
 * machine's load hits both sides of the ratio. The last line is one JSON
 * record (`BENCH {...}`) for the bench summary.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createReadStream } from "node:fs";
import { Pipeline } from "../../collect/agent/pipeline";
import { TAIL_BATCH_LINES } from "../../collect/agent/tail-source";
import { DEFAULT_HEAD_INTERVAL, Signer } from "../../collect/sign";
import { AuditdParser } from "../../collect/sources/auditd";
import { AuthParser } from "../../collect/sources/auth";
import type { SourceParser } from "../../collect/sources/types";
import { Spool } from "../../collect/spool";
import { LineSplitter } from "../../collect/tail/lines";
import { createLogger } from "../../lib/log";
import { printBenchLine } from "../lib/report";
import { auditLines, authLine } from "./lines";

const LINES = Number(process.argv[2] ?? 200_000);
const ROUNDS = Number(process.argv[3] ?? 3);
const TARGET = 2;
const SEGMENT = 16 * 1024 * 1024;
const ctx = { collectorId: "bench", host: "web-01", env: "prod", now: () => new Date("2026-11-22T12:00:00Z") };
const quiet = createLogger("bench", "silent");

interface Run {
  ms: number;
  events: number;
  heads: number;
}

/** One pass: read the file, parse 500-line batches, sign and spool each through a fresh Pipeline. */
async function pipelineRun(path: string, make: () => SourceParser, headInterval: number, readAhead: boolean, dir: string): Promise<Run> {
  const state = await mkdtemp(join(dir, "run-"));
  const spool = await Spool.open({ dir: join(state, "spool"), maxBytes: 4096 * 1024 * 1024, segmentBytes: SEGMENT, fsync: "interval", fsyncIntervalMs: 200 }, { log: quiet });
  // As the collector daemon opens it (collect/agent/agent.ts): today's runs persist chain.json in the background.
  const signer = await Signer.open({ stateDir: join(state, "sign"), collectorId: ctx.collectorId, backgroundChainState: readAhead, log: quiet });
  const pipeline = new Pipeline(signer, spool, SEGMENT / 2, quiet, headInterval);
  const parser = make();
  let events = 0;
  let heads = 0;
  const t0 = performance.now();
  const splitter = new LineSplitter(0, 64 * 1024);
  let batch: Array<{ text: string; offset: number }> = [];
  // readAhead, as TailSource does since issue #13: the next batch is parsed while the previous one's write is in flight, one write at a time.
  let inFlight: Promise<void> = Promise.resolve();
  const flush = async (): Promise<void> => {
    const out = batch.flatMap((l) => parser.push(l.text, { file: "bench", offset: l.offset }));
    batch = [];
    events += out.length;
    heads += out.length === 0 ? 0 : Math.ceil(out.length / headInterval);
    await inFlight;
    inFlight = pipeline.write(out);
    if (!readAhead) await inFlight;
  };
  for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 })) {
    if (!Buffer.isBuffer(chunk)) continue;
    for (const l of splitter.push(chunk)) {
      batch.push({ text: l.text, offset: l.offset });
      if (batch.length >= TAIL_BATCH_LINES) await flush();
    }
  }
  await flush();
  await inFlight;
  const rest = parser.flush();
  events += rest.length;
  await pipeline.write(rest);
  const ms = performance.now() - t0;
  await spool.close();
  await signer.flush();
  await rm(state, { recursive: true, force: true });
  return { ms, events, heads };
}

async function compare(name: string, path: string, make: () => SourceParser, dir: string): Promise<{ name: string; perEvent: number; heads: number; ratio: number; events: number }> {
  let perEvent: Run | undefined;
  let head: Run | undefined;
  for (let round = 0; round < ROUNDS; round++) {
    const a = await pipelineRun(path, make, 1, false, dir);
    const b = await pipelineRun(path, make, DEFAULT_HEAD_INTERVAL, true, dir);
    if (perEvent === undefined || a.ms < perEvent.ms) perEvent = a;
    if (head === undefined || b.ms < head.ms) head = b;
  }
  if (perEvent === undefined || head === undefined) throw new Error("no round");
  const rate = (r: Run): number => LINES / (r.ms / 1000);
  const ratio = rate(head) / rate(perEvent);
  console.log(
    `${name.padEnd(7)} ${LINES} lines → ${head.events} events | before #13 (per-event signing, no read-ahead) ${Math.round(rate(perEvent)).toLocaleString("en")} lines/s ` +
      `(${perEvent.events} signatures) | head signing /${DEFAULT_HEAD_INTERVAL} + read-ahead + background chain.json ${Math.round(rate(head)).toLocaleString("en")} lines/s (${head.heads} signatures) | ${ratio.toFixed(2)}x`,
  );
  return { name, perEvent: Math.round(rate(perEvent)), heads: Math.round(rate(head)), ratio: Number(ratio.toFixed(3)), events: head.events };
}

const dir = await mkdtemp(join(tmpdir(), "prodtrail-bench-pipeline-"));
try {
  const authPath = join(dir, "auth.log");
  await writeFile(authPath, `${Array.from({ length: LINES }, (_, i) => authLine(i)).join("\n")}\n`);
  const auditPath = join(dir, "audit.log");
  await writeFile(auditPath, `${auditLines(LINES).join("\n")}\n`);
  console.log(`node ${process.version}, ${LINES} lines per log, parse + redact + sign + spool (fsync interval 200 ms), best of ${ROUNDS} alternating rounds`);
  const results = [await compare("auth", authPath, () => new AuthParser(ctx), dir), await compare("auditd", auditPath, () => new AuditdParser(ctx), dir)];
  // Both logs' lines over both logs' time: the pipeline as a whole.
  const total = (k: "perEvent" | "heads"): number => 2 * LINES / results.reduce((t, r) => t + LINES / r[k], 0);
  const overall = total("heads") / total("perEvent");
  console.log(`pipeline = ${overall.toFixed(2)}x of before #13 (target ≥ ${TARGET.toFixed(2)}x)`);
  printBenchLine("collector-pipeline", [
    ...results.map((r) => ({ figure: `${r.name}: parse + redact + sign + spool, head signing /${DEFAULT_HEAD_INTERVAL} + read-ahead + background chain.json, ${LINES.toLocaleString("en")} lines`, value: r.heads, unit: "lines/s", baseline: `before #13: per-event signing, no read-ahead (${r.perEvent.toLocaleString("en")} lines/s)`, ratio: r.ratio })),
    { figure: "pipeline, both logs", value: total("heads"), unit: "lines/s", baseline: `before #13: per-event signing, no read-ahead (${Math.round(total("perEvent")).toLocaleString("en")} lines/s)`, ratio: overall, target: `>= ${TARGET.toFixed(2)}x`, met: overall >= TARGET },
  ]);
} finally {
  await rm(dir, { recursive: true, force: true });
}

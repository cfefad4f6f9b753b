/**
 * bench/collect — parser throughput against a bare read of the same file.
 *
 *   npx tsx bench/collect/run.ts [lines=200000] [files=5000]
 *
 * For auth.log and audit.log: lines/s of (read + split into lines) — the
 * floor any tailer pays — and of (read + split + parse), both measured in
 * this run over the same generated file; the ratio is what parsing costs.
 * Then the files source's first scan (lstat + read + git blob SHA-1 of each
 * file) in files/s. Parsers: best of 5 interleaved rounds (baseline, parse,
 * baseline, …); the files scan best of 3. Timings vary with the machine, the
 * ratios much less.
 */
import { createReadStream } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger } from "../../lib/log";
import { AuditdParser } from "../../collect/sources/auditd";
import { AuthParser } from "../../collect/sources/auth";
import { FilesSource } from "../../collect/sources/files";
import type { SourceParser } from "../../collect/sources/types";
import { LineSplitter } from "../../collect/tail/lines";
import { auditLines, authLine } from "./lines";

const LINES = Number(process.argv[2] ?? 200_000);
const FILES = Number(process.argv[3] ?? 5_000);
/** Interleaved rounds per parser; the best of each side is kept. */
const ROUNDS = 5;
const ctx = { collectorId: "bench", host: "web-01", env: "prod", now: () => new Date("2026-11-22T12:00:00Z") };

/** Read the file in 64 KiB chunks and split lines (the tailer's path); `each` sees every line. */
async function readLines(path: string, each: (text: string, offset: number) => void): Promise<number> {
  const splitter = new LineSplitter(0, 64 * 1024);
  let n = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 })) {
    if (!Buffer.isBuffer(chunk)) continue;
    // A fresh Buffer per chunk from the stream: the splitter may keep views of a partial line.
    for (const l of splitter.push(chunk)) {
      n += 1;
      each(l.text, l.offset);
    }
  }
  return n;
}

async function best<T>(runs: number, fn: () => Promise<T>): Promise<{ ms: number; result: T }> {
  let out: { ms: number; result: T } | undefined;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const result = await fn();
    const ms = performance.now() - t0;
    if (out === undefined || ms < out.ms) out = { ms, result };
  }
  if (out === undefined) throw new Error("no run");
  return out;
}

async function parserBench(name: string, path: string, make: () => SourceParser): Promise<void> {
  // Baseline and parse alternate, round by round: on a shared machine both see the same load,
  // so the ratio moves with the parser, not with whoever else runs (sequential best-of-3 swung 2x).
  let bare: { ms: number; result: number } | undefined;
  let parsed: { ms: number; result: { events: number; unparsed: number } } | undefined;
  for (let round = 0; round < ROUNDS; round++) {
    const b = await best(1, () => readLines(path, () => undefined));
    const p = await best(1, async () => {
      const parser = make();
      let events = 0;
      await readLines(path, (text, offset) => (events += parser.push(text, { file: "bench", offset }).length));
      return { events: events + parser.flush().length, unparsed: parser.stats.unparsed };
    });
    if (bare === undefined || b.ms < bare.ms) bare = b;
    if (parsed === undefined || p.ms < parsed.ms) parsed = p;
  }
  if (bare === undefined || parsed === undefined) throw new Error("no round");
  const bareRate = bare.result / (bare.ms / 1000);
  const parseRate = bare.result / (parsed.ms / 1000);
  console.log(
    `${name.padEnd(7)} ${bare.result} lines → ${parsed.result.events} events (${parsed.result.unparsed} unparsed) | ` +
      `split ${Math.round(bareRate).toLocaleString("en")} lines/s | parse ${Math.round(parseRate).toLocaleString("en")} lines/s | ratio ${(parseRate / bareRate).toFixed(3)}x`,
  );
}

async function filesBench(dir: string): Promise<void> {
  const root = join(dir, "tree");
  for (let i = 0; i < FILES; i++) {
    const sub = join(root, `d${i % 50}`, `e${i % 7}`);
    if (i < 350) await mkdir(sub, { recursive: true });
    await writeFile(join(sub, `f${i}.conf`), `# file ${i}\n${"key = value\n".repeat(20 + (i % 100))}`);
  }
  const scan = await best(3, async () => {
    const state = await mkdtemp(join(dir, "fim-"));
    const src = await FilesSource.open({ roots: [root], stateDir: state, host: "web-01", env: "prod", reportInitial: true, watch: false, emit: async () => undefined, log: createLogger("bench", "silent") });
    const stats = await src.scan();
    await src.close();
    return stats.files;
  });
  console.log(`files   first scan of ${scan.result} files (hash + baseline): ${Math.round(scan.result / (scan.ms / 1000)).toLocaleString("en")} files/s (${scan.ms.toFixed(0)} ms)`);
}

const dir = await mkdtemp(join(tmpdir(), "prodtrail-bench-collect-"));
try {
  const authPath = join(dir, "auth.log");
  await writeFile(authPath, `${Array.from({ length: LINES }, (_, i) => authLine(i)).join("\n")}\n`);
  const auditPath = join(dir, "audit.log");
  await writeFile(auditPath, `${auditLines(LINES).join("\n")}\n`);
  console.log(`node ${process.version}, ${LINES} lines per log, best of ${ROUNDS} interleaved rounds`);
  await parserBench("auth", authPath, () => new AuthParser(ctx));
  await parserBench("auditd", auditPath, () => new AuditdParser(ctx));
  await filesBench(dir);
} finally {
  await rm(dir, { recursive: true, force: true });
}

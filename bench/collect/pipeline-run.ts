/**
 * One collector-pipeline pass of the code in ROOT (a checkout of this
 * repository), for bench/collect/pipeline-vs-commit.ts: auth.log and
 * audit.log lines (bench/collect/lines.ts, from this checkout) through
 * parse + redact → sign → spool (fsync "interval" 200 ms, 500-line batches),
 * as that checkout's collector runs them. MODE "then": every event signed,
 * each batch written before the next is parsed (the collector before issue
 * #13; its Pipeline has no head interval). MODE "now": head signing every 64
 * events, one batch read ahead and chain.json persisted in the background,
 * as the collector daemon runs today. Prints one JSON
 * line {mode, auth, auditd, both} in lines/s.
 */
import { createReadStream } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { auditLines, authLine } from "./lines";

const env = z.object({ ROOT: z.string().min(1), MODE: z.enum(["then", "now"]), LINES: z.coerce.number().int().min(1000) }).parse(process.env);
const from = (path: string) => import(join(env.ROOT, path));
const [{ Pipeline }, { Signer }, { AuditdParser }, { AuthParser }, { Spool }, { LineSplitter }, { createLogger }] = await Promise.all([
  from("collect/agent/pipeline.ts"),
  from("collect/sign/index.ts"),
  from("collect/sources/auditd/index.ts"),
  from("collect/sources/auth/index.ts"),
  from("collect/spool/index.ts"),
  from("collect/tail/lines.ts"),
  from("lib/log.ts"),
]);
const quiet = createLogger("bench", "silent");
const ctx = { collectorId: "bench", host: "web-01", env: "prod", now: () => new Date("2026-11-22T12:00:00Z") };
const SEGMENT = 16 * 1024 * 1024;
const HEAD_INTERVAL = 64;
const dir = await mkdtemp(join(tmpdir(), "prodtrail-pipeline-run-"));
try {
  const logs = { auth: join(dir, "auth.log"), auditd: join(dir, "audit.log") };
  await writeFile(logs.auth, `${Array.from({ length: env.LINES }, (_, i) => authLine(i)).join("\n")}\n`);
  await writeFile(logs.auditd, `${auditLines(env.LINES).join("\n")}\n`);
  const rates: Record<string, number> = {};
  let totalMs = 0;
  for (const [name, make] of [["auth", () => new AuthParser(ctx)], ["auditd", () => new AuditdParser(ctx)]] as const) {
    const state = await mkdtemp(join(dir, "run-"));
    const spool = await Spool.open({ dir: join(state, "spool"), maxBytes: 4096 * 1024 * 1024, segmentBytes: SEGMENT, fsync: "interval", fsyncIntervalMs: 200 }, { log: quiet });
    // "now" as the collector daemon opens it (collect/agent/agent.ts); older checkouts ignore the option.
    const signer = await Signer.open({ stateDir: join(state, "sign"), collectorId: ctx.collectorId, backgroundChainState: env.MODE === "now", log: quiet });
    const pipeline = env.MODE === "now" ? new Pipeline(signer, spool, SEGMENT / 2, quiet, HEAD_INTERVAL) : new Pipeline(signer, spool, SEGMENT / 2, quiet);
    const parser = make();
    const splitter = new LineSplitter(0, 64 * 1024);
    let batch: Array<{ text: string; offset: number }> = [];
    let inFlight: Promise<void> = Promise.resolve();
    const flush = async (): Promise<void> => {
      const events = batch.flatMap((l) => parser.push(l.text, { file: "bench", offset: l.offset }));
      batch = [];
      await inFlight;
      inFlight = pipeline.write(events);
      if (env.MODE === "then") await inFlight;
    };
    const t0 = performance.now();
    for await (const chunk of createReadStream(logs[name], { highWaterMark: 64 * 1024 })) {
      if (!Buffer.isBuffer(chunk)) continue;
      for (const l of splitter.push(chunk)) {
        batch.push({ text: l.text, offset: l.offset });
        if (batch.length >= 500) await flush();
      }
    }
    await flush();
    await inFlight;
    await pipeline.write(parser.flush());
    const ms = performance.now() - t0;
    totalMs += ms;
    rates[name] = Math.round(env.LINES / (ms / 1000));
    await spool.close();
    await signer.flush?.();
  }
  console.log(JSON.stringify({ mode: env.MODE, ...rates, both: Math.round((2 * env.LINES) / (totalMs / 1000)) }));
} finally {
  await rm(dir, { recursive: true, force: true });
}

/**
 * Test helpers for the spool: a fresh real temp directory per test, loggers
 * that stay quiet or capture lines, and readers that drain a spool.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino, type Logger } from "pino";
import { createLogger } from "../../../lib/log";
import type { Spool } from "../spool";

export async function tempDir(label = "spool"): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), `prodtrail-${label}-`));
  return { dir: join(root, "spool"), cleanup: () => rm(root, { recursive: true, force: true }) };
}

export const quietLog = (): Logger => createLogger("spool-test", "silent");

export interface CapturedLine { level: number; msg: string; [key: string]: unknown }

/** A pino logger whose lines land in `lines` as parsed objects. */
export function captureLog(): { log: Logger; lines: CapturedLine[] } {
  const lines: CapturedLine[] = [];
  const log = pino({ level: "debug" }, {
    write(s: string) {
      const parsed: unknown = JSON.parse(s);
      if (typeof parsed === "object" && parsed !== null && "level" in parsed && "msg" in parsed) {
        const { level, msg } = parsed;
        if (typeof level === "number" && typeof msg === "string") lines.push({ ...parsed, level, msg });
      }
    },
  });
  return { log, lines };
}

export const rec = (s: string | number): Buffer => Buffer.from(String(s));

/** Read every unread record (does not ack). */
export async function readAll(spool: Spool, maxRecords = 7): Promise<string[]> {
  const out: string[] = [];
  for (let b = await spool.readBatch({ maxRecords }); b !== null; b = await spool.readBatch({ maxRecords })) {
    out.push(...b.records.map((r) => r.toString()));
  }
  return out;
}

/** The unacked records, leaving the read position at the ack cursor. */
export async function unacked(spool: Spool): Promise<string[]> {
  await spool.rewind();
  const out = await readAll(spool);
  await spool.rewind();
  return out;
}

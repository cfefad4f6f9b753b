import { spawn, type ChildProcessByStdio } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { createInterface } from "node:readline";
import { z } from "zod";
import type { AuditEvent } from "../../schemas";
import type { Logger } from "../../lib/log";
import { readJsonState, writeFileDurably } from "../../lib/durable-file";
import { AuthParser } from "../sources/auth";
import type { ParserStats, SourceContext } from "../sources/types";
import { AgentStoppingError, type Pipeline } from "./pipeline";

/**
 * The journal, read directly: `journalctl -o json --follow` (so a
 * journald-only host needs no rsyslog), through the auth parser, which reads
 * journald entries and keys their ids on `__CURSOR`. After each batch is
 * spooled the last cursor is written durably; a restart passes it as
 * `--after-cursor`, so nothing is read twice or skipped (at-least-once at a
 * crash between spool and cursor write: the same cursor gives the same ids).
 */
export interface JournaldSourceOptions {
  /** The journalctl executable; a stand-in in tests (no journald there). */
  command: string;
  /** Journal matches, e.g. `SYSLOG_FACILITY=4` (auth) and `SYSLOG_FACILITY=10` (authpriv): same field → OR. */
  matches: readonly string[];
  /** Without a saved cursor: `end` reads only what comes next, `beginning` the whole journal first. */
  startAt: "end" | "beginning";
  stateDir: string;
  ctx: SourceContext;
  pipeline: Pipeline;
  log: Logger;
}

class JournaldStateError extends Error {
  override readonly name = "JournaldStateError";
}

const cursorState = z.object({ cursor: z.string().min(1).max(1024) });
const entryCursor = z.object({ __CURSOR: z.string().min(1).max(1024) });
/** 500 entries or 200 ms, whichever first: one spool append per batch, latency under a second. */
const BATCH = 500;
const BATCH_MS = 200;
const RESTART_MS = 1000;

export class JournaldSource {
  readonly key = "journald";
  private readonly parser: AuthParser;
  private readonly stateFile: string;
  private child: ChildProcessByStdio<null, Readable, Readable> | null = null;
  private stopping = false;
  private loop: Promise<void> | null = null;

  private constructor(private readonly opts: JournaldSourceOptions, private cursor: string | undefined) {
    this.parser = new AuthParser(opts.ctx);
    this.stateFile = join(opts.stateDir, "journald", "cursor.json");
  }

  static async open(opts: JournaldSourceOptions): Promise<JournaldSource> {
    await mkdir(join(opts.stateDir, "journald"), { recursive: true, mode: 0o700 });
    const file = join(opts.stateDir, "journald", "cursor.json");
    const raw = await readJsonState(file, (p) => new JournaldStateError(`${p} is not JSON: delete it to start from the journal's end`));
    const parsed = raw === null ? null : cursorState.safeParse(raw);
    if (parsed && !parsed.success) throw new JournaldStateError(`${file}: expected {"cursor": "s=…"}`);
    return new JournaldSource(opts, parsed?.data.cursor);
  }

  get stats(): ParserStats {
    return this.parser.stats;
  }

  /** The arguments of one journalctl run (from the saved cursor when there is one). */
  args(): string[] {
    const from = this.cursor ? [`--after-cursor=${this.cursor}`] : this.opts.startAt === "end" ? ["--lines=0"] : ["--lines=all"];
    return ["-o", "json", "--follow", "--no-pager", ...from, ...this.opts.matches];
  }

  start(): Promise<void> {
    this.loop ??= this.run();
    return this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.follow();
      } catch (err) {
        if (err instanceof AgentStoppingError) return;
        throw err;
      }
      if (this.stopping) return;
      this.opts.log.warn({ command: this.opts.command, restart_ms: RESTART_MS }, "journalctl exited; restarting from the saved cursor");
      await new Promise((r) => setTimeout(r, RESTART_MS));
    }
  }

  /** One journalctl process: batches of entries → events → spool → cursor. Resolves when it exits. */
  private async follow(): Promise<void> {
    const child = spawn(this.opts.command, this.args(), { stdio: ["ignore", "pipe", "pipe"] });
    this.child = child;
    child.stderr.on("data", (d: Buffer) => this.opts.log.warn({ stderr: d.toString("utf8").slice(0, 512) }, "journalctl"));
    const exited = new Promise<void>((resolve) => {
      child.once("close", () => resolve());
      child.once("error", (err) => {
        this.opts.log.error({ err, command: this.opts.command }, "cannot run journalctl");
        resolve();
      });
    });
    let batch: string[] = [];
    let timer: NodeJS.Timeout | null = null;
    let writing: Promise<void> = Promise.resolve();
    const ship = () => {
      if (timer) clearTimeout(timer);
      timer = null;
      const lines = batch;
      batch = [];
      writing = writing.then(() => this.ship(lines));
      return writing;
    };
    for await (const line of createInterface({ input: child.stdout, crlfDelay: Infinity })) {
      if (line === "") continue;
      batch.push(line);
      if (batch.length >= BATCH) await ship();
      else timer ??= setTimeout(() => void ship().catch((err: unknown) => this.opts.log.error({ err }, "journald batch failed")), BATCH_MS);
    }
    await ship();
    await exited;
    this.child = null;
  }

  private async ship(lines: readonly string[]): Promise<void> {
    if (lines.length === 0) return;
    const events: AuditEvent[] = lines.flatMap((l, i) => this.parser.push(l, { file: "journald", offset: i }));
    await this.opts.pipeline.write(events);
    const last = [...lines].reverse().map(cursorOf).find((c) => c !== undefined);
    if (last === undefined) return;
    this.cursor = last;
    await writeFileDurably(this.stateFile, JSON.stringify({ cursor: last }));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.child?.kill("SIGTERM");
    await this.loop?.catch((err: unknown) => this.opts.log.error({ err }, "journald source failed"));
  }

  flushEvents(): AuditEvent[] {
    return this.parser.flush();
  }

  /** Nothing is committed late: the cursor is written with each batch. */
  async commitReady(): Promise<void> {}
}

function cursorOf(line: string): string | undefined {
  try {
    const parsed = entryCursor.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data.__CURSOR : undefined;
  } catch {
    return undefined;
  }
}

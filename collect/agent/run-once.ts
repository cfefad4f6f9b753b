import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AuditEvent } from "../../schemas";
import type { Logger } from "../../lib/log";
import { AuditdParser } from "../sources/auditd";
import { AuthParser } from "../sources/auth";
import { FilesSource } from "../sources/files";
import { GitIndexer, type GitRepoConfig } from "../sources/git";
import { K8sParser } from "../sources/k8s";
import { AptHistoryParser, DpkgParser, PackageJoiner, type AptTransaction } from "../sources/packages";
import { VaultParser } from "../sources/vault";
import type { ParserStats, SourceContext, SourceParser } from "../sources/types";
import { contentId, fileLines, fileText } from "./read-file";

export type RunOnceSource = "auth" | "auditd" | "packages" | "vault" | "k8s";
export const RUN_ONCE_SOURCES: readonly RunOnceSource[] = ["auth", "auditd", "packages", "vault", "k8s"];

export interface RunOnceOptions {
  source: RunOnceSource;
  file: string;
  ctx: SourceContext;
  /** packages: apt/history.log for Requested-By attribution. */
  aptHistory?: string;
  /** vault: break-glass path globs. */
  breakGlass?: readonly string[];
  /** auditd: also read user-space records (USER_AUTH, USER_LOGIN …), as `sources.auditd.user_records` does for the daemon. */
  userRecords?: boolean;
  /** Receives each batch of events in file order; awaited (stdout backpressure, signing). */
  emit: (events: AuditEvent[]) => Promise<void>;
}

/** A k8s EventList file is one (pretty-printed) JSON document; read whole up to this. */
const MAX_JSON_DOCUMENT = 256 * 1024 * 1024;

/** One pass of a parser over a file (run-once mode). Returns the parser's counters and samples. */
export async function runOnce(o: RunOnceOptions): Promise<ParserStats> {
  if (o.source === "packages") return runPackages(o);
  const parser = makeParser(o);
  const file = await contentId(o.file);
  if (o.source === "k8s") {
    const doc = await fileText(o.file, MAX_JSON_DOCUMENT);
    const whole = doc === null ? undefined : parseJson(doc.trim());
    if (whole !== undefined) {
      await o.emit([...parser.push(JSON.stringify(whole), { file, offset: 0 }), ...parser.flush()]);
      return parser.stats;
    }
  }
  for await (const lines of fileLines(o.file)) {
    if (o.source === "k8s") lines.splice(0, lines.length, ...lines.filter((l) => l.text.trim() !== ""));
    await o.emit(lines.flatMap((l) => parser.push(l.text, { file, offset: l.offset })));
  }
  await o.emit(parser.flush());
  return parser.stats;
}

function makeParser(o: RunOnceOptions): SourceParser {
  switch (o.source) {
    case "auth":
      return new AuthParser(o.ctx);
    case "auditd":
      return new AuditdParser(o.ctx, { userRecords: o.userRecords ?? false });
    case "vault":
      return new VaultParser(o.ctx, { breakGlassPaths: o.breakGlass ?? [] });
    case "k8s":
      return new K8sParser(o.ctx);
    case "packages":
      return new DpkgParser(o.ctx);
  }
}

function parseJson(text: string): unknown {
  if (!text.startsWith("{")) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** apt history first (all transactions), then dpkg.log through the joiner; output in dpkg.log order. */
async function runPackages(o: RunOnceOptions): Promise<ParserStats> {
  const joiner = new PackageJoiner();
  const apt = new AptHistoryParser(o.ctx.timeZone);
  if (o.aptHistory !== undefined) {
    const txs: AptTransaction[] = [];
    for await (const lines of fileLines(o.aptHistory)) for (const l of lines) txs.push(...apt.push(l.text));
    txs.push(...apt.flush());
    for (const tx of txs) joiner.addTransaction(tx);
  }
  const dpkg = new DpkgParser(o.ctx);
  const file = await contentId(o.file);
  const all: AuditEvent[] = [];
  // The joiner releases attributed events at once and the rest at flush: restore dpkg.log order.
  const order = new Map<string, number>();
  const parsed = (events: AuditEvent[]): AuditEvent[] => {
    for (const e of events) order.set(e.event_id, order.size);
    return joiner.addEvents(events);
  };
  for await (const lines of fileLines(o.file)) {
    for (const l of lines) all.push(...parsed(dpkg.push(l.text, { file, offset: l.offset })));
  }
  all.push(...parsed(dpkg.flush()), ...joiner.flush());
  await o.emit(all.sort((a, b) => (order.get(a.event_id) ?? 0) - (order.get(b.event_id) ?? 0)));
  const stats = dpkg.stats;
  stats.unparsed += apt.stats.unparsed;
  for (const s of apt.stats.samples) stats.samples.push(s);
  return stats;
}

/** `collect files --root DIR --stdout`: one scan against a fresh baseline, every file reported as created with its blob hash. */
export async function runFilesOnce(o: { roots: string[]; include?: string[]; exclude?: string[]; ctx: SourceContext; emit: RunOnceOptions["emit"]; log: Logger }): Promise<{ files: number; events: number }> {
  const stateDir = await mkdtemp(join(tmpdir(), "prodtrail-files-once-"));
  let events = 0;
  try {
    const src = await FilesSource.open({
      roots: o.roots, ...(o.include ? { include: o.include } : {}), ...(o.exclude ? { exclude: o.exclude } : {}), stateDir, host: o.ctx.host, env: o.ctx.env,
      reportInitial: true, watch: false, log: o.log,
      emit: async (e) => {
        events += e.length;
        await o.emit(e);
      },
    });
    const stats = await src.scan();
    await src.close();
    return { files: stats.files, events };
  } finally {
    await rm(stateDir, { recursive: true, force: true });
  }
}

/** `collect git --repo NAME=PATH --stdout`: snapshot of each branch tip plus every commit, from a fresh index. */
export async function runGitOnce(o: { repos: GitRepoConfig[]; ctx: SourceContext; emit: RunOnceOptions["emit"]; log: Logger }): Promise<{ commits: number; events: number }> {
  const stateDir = await mkdtemp(join(tmpdir(), "prodtrail-git-once-"));
  try {
    const ix = await GitIndexer.open({ repos: o.repos, stateDir, host: o.ctx.host, env: o.ctx.env, emit: o.emit, log: o.log });
    const stats = await ix.indexAll();
    await ix.close();
    return { commits: stats.commits, events: stats.events };
  } finally {
    await rm(stateDir, { recursive: true, force: true });
  }
}

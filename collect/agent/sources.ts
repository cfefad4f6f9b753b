import { join } from "node:path";
import type { AuditEvent } from "../../schemas";
import type { CollectConfig } from "../../config/collect";
import type { Logger } from "../../lib/log";
import { AuditdParser } from "../sources/auditd";
import { PasswdFile } from "../sources/auditd/passwd";
import { fileTimes } from "../sources/file-time";
import { AuthParser } from "../sources/auth";
import { FilesSource } from "../sources/files";
import { GitIndexer } from "../sources/git";
import { SudoJsonParser } from "../sources/sudo/parser";
import { VaultParser } from "../sources/vault";
import { type ParserStats, type SourceContext, type SourceParser } from "../sources/types";
import type { TailCheckpoint } from "../tail";
import { JournaldSource } from "./journald-source";
import { K8sWebhook } from "./k8s-webhook";
import { PackagesSource } from "./packages-source";
import type { Pipeline } from "./pipeline";
import { TailSource, tailKey } from "./tail-source";

/** Counters of a source that has no parser (files, git): events emitted. */
export interface EmitStats {
  events: number;
}

/** What the agent starts, stops, flushes and commits for each line-reading source. */
export interface LineSource {
  readonly stats: ParserStats;
  start(): Promise<void>;
  stop(): Promise<void>;
  flushEvents(): AuditEvent[];
  commitReady(): Promise<void>;
}

export interface AgentSources {
  tails: LineSource[];
  packages: PackagesSource | null;
  files: FilesSource | null;
  git: GitIndexer | null;
  k8s: K8sWebhook | null;
  /** name → stats, for the periodic stats line. */
  stats: Map<string, ParserStats | EmitStats>;
}

export interface OpenSourcesOptions {
  config: CollectConfig;
  stateDir: string;
  ctx: SourceContext;
  pipeline: Pipeline;
  resumeFrom: ReadonlyMap<string, TailCheckpoint>;
  pollIntervalMs?: number;
  log: Logger;
}

/** Open every configured source (none reads yet); unconfigured sources stay null/empty. */
export async function openSources(o: OpenSourcesOptions): Promise<AgentSources> {
  const { config: c, ctx, pipeline, log } = o;
  const out: AgentSources = { tails: [], packages: null, files: null, git: null, k8s: null, stats: new Map() };
  const poll = o.pollIntervalMs === undefined ? {} : { pollIntervalMs: o.pollIntervalMs };
  const auditd = c.sources.auditd;
  const passwd = auditd ? new PasswdFile({ path: auditd.passwd_file }) : null;
  passwd?.name(0); // reads it now: a wrong passwd_file fails the start, naming the file
  const tailed: Array<[string, string[] | undefined, (ctx: SourceContext) => SourceParser]> = [
    ["auth", c.sources.auth?.paths, (x) => new AuthParser(zoned(x, c.sources.auth?.time_zone))],
    ["auditd", auditd?.paths, (x) => new AuditdParser({ ...x, ...(passwd ? { resolveUid: (uid: number) => passwd.name(uid) } : {}) }, { userRecords: auditd?.user_records ?? false })],
    ["vault", c.sources.vault?.paths, (x) => new VaultParser(x, { breakGlassPaths: c.sources.vault?.break_glass_paths ?? [] })],
    ["sudo", c.sources.sudo?.paths, (x) => new SudoJsonParser(x)],
  ];
  for (const [source, paths, make] of tailed) {
    for (const path of paths ?? []) {
      // One parser per file: grouping state (auditd events, sshd sessions) never mixes two files.
      const parser = make({ ...ctx, fileTime: fileTimes(path) });
      const key = tailKey(source, path);
      out.tails.push(
        await TailSource.open({
          source, path, stateDir: o.stateDir, pipeline, stats: parser.stats, resumeFrom: o.resumeFrom.get(key) ?? null, ...poll,
          handle: (lines) => lines.flatMap((l) => parser.push(l.text, { file: l.fileId, offset: l.offset })),
          flush: () => parser.flush(),
          log: log.child({ source, path }),
        }),
      );
      out.stats.set(paths && paths.length > 1 ? `${source}:${path}` : source, parser.stats);
    }
  }
  if (c.sources.journald) {
    const j = c.sources.journald;
    const source = await JournaldSource.open({
      command: j.command, matches: j.matches, startAt: j.start_at, stateDir: o.stateDir, ctx: zoned(ctx, j.time_zone), pipeline, log: log.child({ source: "journald" }),
    });
    out.tails.push(source);
    out.stats.set("journald", source.stats);
  }
  if (c.sources.packages) {
    out.packages = await PackagesSource.open({
      dpkgLog: c.sources.packages.dpkg_log, aptHistory: c.sources.packages.apt_history, ctx: zoned(ctx, c.sources.packages.time_zone), stateDir: o.stateDir, pipeline, ...poll,
      log: log.child({ source: "packages" }),
    });
    out.stats.set("dpkg", out.packages.dpkgParser.stats);
    out.stats.set("apt", out.packages.aptParser.stats);
  }
  if (c.sources.files) {
    const f = c.sources.files;
    const stats: EmitStats = { events: 0 };
    out.files = await FilesSource.open({
      roots: f.roots, include: f.include, exclude: f.exclude, stateDir: join(o.stateDir, "files"), host: ctx.host, env: ctx.env, labels: c.labels,
      rescanIntervalMs: f.rescan_interval_s * 1000, emit: counted(stats, pipeline), log: log.child({ source: "files" }),
      ...(f.keep_content.length > 0 ? { keepContent: { paths: f.keep_content, maxBytes: f.keep_content_max_bytes } } : {}),
    });
    out.stats.set("files", stats);
  }
  if (c.sources.git) {
    const g = c.sources.git;
    const stats: EmitStats = { events: 0 };
    out.git = await GitIndexer.open({
      repos: g.repos.map((r) => ({ name: r.name, path: r.path, branches: r.branches })), stateDir: join(o.stateDir, "git"), host: ctx.host, env: ctx.env,
      intervalMs: g.fetch_interval_s * 1000, emit: counted(stats, pipeline), log: log.child({ source: "git" }),
    });
    out.stats.set("git", stats);
  }
  if (c.sources.k8s) {
    const k = c.sources.k8s;
    out.k8s = await K8sWebhook.listen({ host: k.listen_host, port: k.listen_port, maxBodyBytes: k.max_body_bytes, ctx, pipeline, log: log.child({ source: "k8s" }) });
    out.stats.set("k8s", out.k8s.stats);
  }
  return out;
}

/** A source's configured zone; unset leaves the context's (the host's TZ when that is unset too). */
function zoned(ctx: SourceContext, timeZone: string | undefined): SourceContext {
  return timeZone === undefined ? ctx : { ...ctx, timeZone };
}

function counted(stats: EmitStats, pipeline: Pipeline): (events: AuditEvent[]) => Promise<void> {
  return async (events) => {
    await pipeline.write(events);
    stats.events += events.length;
  };
}

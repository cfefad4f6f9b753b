import { execFileSync } from "node:child_process";
import { once } from "node:events";
import { statSync } from "node:fs";
import { pino } from "pino";
import type { AuditEvent } from "../schemas";
import { loadConfig } from "../config/load";
import { startAgent } from "../collect/agent/agent";
import { contentId, FileReadError, fileLines } from "../collect/agent/read-file";
import { SudoJsonParser } from "../collect/sources/sudo/parser";
import { RUN_ONCE_SOURCES, runFilesOnce, runGitOnce, runOnce, type RunOnceSource } from "../collect/agent/run-once";
import { Signer } from "../collect/sign";
import { PasswdFile, PasswdFileError } from "../collect/sources/auditd/passwd";
import { isTimeZone } from "../collect/sources/auth/time";
import type { ParserStats, SourceContext } from "../collect/sources/types";
import { CONFIG_OPTION, parseCommandArgs, UsageError } from "./usage";

const USAGE = `usage: prodtrail collect                      the collector daemon (reads collect: from prodtrail.yaml)
       prodtrail collect <auth|auditd|packages|vault|k8s|sudo> --file F --stdout
                         [--apt-history F]            packages: apt/history.log for who asked
                         [--break-glass GLOB …]       vault: break-glass secret paths
       prodtrail collect files --root DIR [--root DIR …] [--include G …] [--exclude G …] --stdout
       prodtrail collect git --repo NAME=PATH [--repo …] [--branch B …] --stdout
options: [--config F] [--collector-id ID] [--host H] [--env E] [--sign --state-dir DIR]
         [--time-zone ZONE]   zone of times written without an offset (default: the source's
                              time_zone in the config, else the host's TZ)
         [--passwd F]         auditd: uid → name from this passwd file (default /etc/passwd, then NSS)
         [--user-records]     auditd: also read user-space records (USER_AUTH, USER_LOGIN …; default: sources.auditd.user_records)

The daemon tails the configured logs, watches files and repositories,
receives the k8s audit webhook, signs every event (seq, hash chain, Ed25519)
into a disk spool and ships it to collect.sink. SIGTERM/SIGINT stop it
gracefully.

With --stdout a source runs once and prints normalized v1 events as JSON
lines (.gz files are read decompressed; k8s takes an EventList/Event JSON
file or JSON lines); a summary goes to stderr. Ids are deterministic: the
same file gives the same events. Output is NOT signed (no seq, prev_hash,
hash, sig) unless --sign --state-dir DIR, which signs with the key and chain
kept in DIR (created on first use). 'files' reports every file under the
roots as created, with its git blob hash, against a fresh baseline; 'git'
prints a snapshot of each branch tip and every commit. Classic syslog
lines carry no year: it is taken from the file's modification time (and the
lines' progression), and such events carry the label time_inferred=year.`;

export async function runCollectCommand(argv: string[]): Promise<number> {
  const first = argv[0];
  const source = first !== undefined && !first.startsWith("-") ? first : undefined;
  const s = { type: "string" } as const;
  const many = { type: "string", multiple: true } as const;
  const { values } = parseCommandArgs(
    source === undefined ? argv : argv.slice(1),
    {
      ...CONFIG_OPTION, file: s, stdout: { type: "boolean" }, "apt-history": s, "break-glass": many, root: many, include: many, exclude: many,
      repo: many, branch: many, "collector-id": s, host: s, env: s, sign: { type: "boolean" }, "state-dir": s, "time-zone": s, passwd: s, "user-records": { type: "boolean" },
    },
    USAGE,
  );
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (source === undefined) {
    if (values.stdout || values.file) throw new UsageError("--stdout and --file need a source: prodtrail collect <source> --file F --stdout", USAGE);
    return runDaemon(values.config);
  }
  if (!values.stdout) throw new UsageError(`'collect ${source}' runs once and needs --stdout (the daemon form is 'prodtrail collect' with no source)`, USAGE);
  if (values.sign && !values["state-dir"]) throw new UsageError("--sign needs --state-dir DIR (where the key and chain are kept)", USAGE);
  const config = loadConfig({ path: values.config }).collect;
  const timeZone = values["time-zone"] ?? (source === "auth" ? config.sources.auth?.time_zone : source === "packages" ? config.sources.packages?.time_zone : undefined);
  if (timeZone !== undefined && !isTimeZone(timeZone)) throw new UsageError(`--time-zone '${timeZone}': not an IANA time zone (e.g. Europe/Berlin, UTC)`, USAGE);
  const mtime = values.file ? fileMtime(values.file) : undefined;
  const passwd = source === "auditd" ? new PasswdFile({ path: values.passwd ?? config.sources.auditd?.passwd_file ?? "/etc/passwd" }) : null;
  const ctx: SourceContext = {
    collectorId: values["collector-id"] ?? config.collector_id, host: values.host ?? config.host, env: values.env ?? config.env,
    ...(config.service ? { service: config.service } : {}), now: () => new Date(),
    ...(timeZone === undefined ? {} : { timeZone }),
    // One file per run: its mtime anchors the year of every classic syslog line in it.
    ...(mtime === undefined ? {} : { fileTime: () => mtime }),
    ...(passwd ? { resolveUid: (uid: number) => passwd.name(uid) } : {}),
  };
  const log = pino({ name: "collect", level: "warn" }, pino.destination(2));
  const signer = values.sign && values["state-dir"] ? await Signer.open({ stateDir: values["state-dir"], collectorId: ctx.collectorId, log }) : null;
  const print = async (events: AuditEvent[]): Promise<void> => {
    if (events.length === 0) return;
    const out = signer ? await signer.append(events, async (signed) => signed) : events;
    if (!process.stdout.write(`${out.map((e) => JSON.stringify(e)).join("\n")}\n`)) await once(process.stdout, "drain");
  };
  try {
    if (source === "files") {
      if (!values.root?.length) throw new UsageError("collect files needs --root DIR", USAGE);
      const r = await runFilesOnce({ roots: values.root, ...(values.include ? { include: values.include } : {}), ...(values.exclude ? { exclude: values.exclude } : {}), ctx, emit: print, log });
      console.error(`prodtrail collect files: ${r.files} files, ${r.events} events`);
      return 0;
    }
    if (source === "git") {
      const repos = (values.repo ?? []).map((spec) => parseRepo(spec, values.branch));
      if (repos.length === 0) throw new UsageError("collect git needs --repo NAME=PATH", USAGE);
      const r = await runGitOnce({ repos, ctx, emit: print, log });
      console.error(`prodtrail collect git: ${r.commits} commits, ${r.events} events`);
      return 0;
    }
    if (source === "sudo") {
      if (!values.file) throw new UsageError("collect sudo needs --file F (a log_format=json log or an I/O log's log.json)", USAGE);
      const stats = await runSudoOnce(values.file, ctx, print);
      console.error(summary(source, values.file, stats));
      return 0;
    }
    if (!isRunOnceSource(source)) throw new UsageError(`unknown source '${source}' (known: ${[...RUN_ONCE_SOURCES, "sudo", "files", "git"].join(", ")})`, USAGE);
    if (!values.file) throw new UsageError(`collect ${source} needs --file F`, USAGE);
    const stats = await runOnce({
      source, file: values.file, ctx, emit: print,
      ...(values["apt-history"] ? { aptHistory: values["apt-history"] } : {}), ...(values["break-glass"] ? { breakGlass: values["break-glass"] } : {}),
      ...(source === "auditd" ? { userRecords: values["user-records"] ?? config.sources.auditd?.user_records ?? false } : {}),
    });
    console.error(summary(source, values.file, stats));
    return 0;
  } catch (err) {
    if (err instanceof FileReadError || err instanceof PasswdFileError) {
      console.error(`prodtrail collect ${source}: ${err.message}`);
      return 1;
    }
    throw err;
  } finally {
    // No spool to recover the chain from: the next run continues from chain.json, so it must be on disk.
    await signer?.flush();
  }
}

/** Undefined when the file cannot be stat'ed: reading it then fails with the clear FileReadError. */
/** run-once for sudo's JSON (not in run-once.ts, which another module owns): the same file pass. */
async function runSudoOnce(file: string, ctx: SourceContext, emit: (events: AuditEvent[]) => Promise<void>): Promise<ParserStats> {
  const parser = new SudoJsonParser(ctx);
  const id = await contentId(file);
  for await (const lines of fileLines(file)) await emit(lines.flatMap((l) => parser.push(l.text, { file: id, offset: l.offset })));
  await emit(parser.flush());
  return parser.stats;
}

function fileMtime(path: string): Date | undefined {
  try {
    return statSync(path).mtime;
  } catch {
    return undefined;
  }
}

function isRunOnceSource(s: string): s is RunOnceSource {
  return RUN_ONCE_SOURCES.some((x) => x === s);
}

function parseRepo(spec: string, branches: string[] | undefined): { name: string; path: string; branches: string[] } {
  const eq = spec.indexOf("=");
  if (eq <= 0 || eq === spec.length - 1) throw new UsageError(`--repo '${spec}': expected NAME=PATH`, USAGE);
  const path = spec.slice(eq + 1);
  return { name: spec.slice(0, eq), path, branches: branches?.length ? branches : [headBranch(path)] };
}

/** Without --branch: the branch HEAD points at (main, master, trunk…). */
function headBranch(path: string): string {
  try {
    return execFileSync("git", ["-C", path, "symbolic-ref", "--short", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() || "main";
  } catch {
    return "main";
  }
}

function summary(source: string, file: string, s: ParserStats): string {
  const head = `prodtrail collect ${source} ${file}: ${s.lines} lines, ${s.events} events, ${s.unparsed} unparsed, ${s.ignored} ignored` +
    (s.invalid > 0 ? `, ${s.invalid} invalid (a parser bug: please report)` : "");
  const samples = s.samples.map((x) => `  ${x.kind}: ${x.reason}: ${x.line}`);
  return [head, ...(samples.length > 0 ? ["last unparsed lines (redacted):", ...samples] : [])].join("\n");
}

async function runDaemon(configPath: string | undefined): Promise<number> {
  const config = loadConfig({ path: configPath });
  const agent = await startAgent(config);
  const signalled = new Promise<string>((resolve) => {
    process.once("SIGTERM", () => resolve("SIGTERM"));
    process.once("SIGINT", () => resolve("SIGINT"));
  });
  const outcome = await Promise.race([signalled, agent.fatal.catch((err: unknown) => err)]);
  const clean = await agent.stop(typeof outcome === "string" ? outcome : "fatal error");
  return typeof outcome === "string" && clean ? 0 : 1;
}

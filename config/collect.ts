import { hostname } from "node:os";
import { z } from "zod";
import { isTimeZone } from "../collect/sources/auth/time";

/**
 * The `collect:` section: what a server's collector reads and where it ships.
 * Every source is off unless configured, so a collector never reads a file
 * nobody asked it to read.
 */
const paths = z.array(z.string().min(1)).min(1);

/** An IANA zone for times a log writes without an offset (classic syslog, dpkg.log); unset: the host's (TZ). */
const timeZone = z.string().refine(isTimeZone, { message: "must be an IANA time zone such as Europe/Berlin or UTC" }).optional();

export const collectConfigSchema = z.strictObject({
  /** Names this collector's signed event stream; default: the host name. */
  collector_id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, { message: "letters, digits, '.', '_', '-' (max 128)" }).default(hostname()),
  env: z.string().min(1).max(64).default("prod"),
  host: z.string().min(1).max(255).default(hostname()),
  service: z.string().max(256).optional(),
  /** Labels stamped on this collector's file changes (e.g. `{ role: web }`), so `drift.mappings[].labels` can select hosts by them. */
  labels: z.record(z.string().min(1).max(64), z.string().min(1).max(256)).default({}),
  /** Keys, offsets, baselines and the spool; default `<data_dir>/collector`. */
  state_dir: z.string().optional(),
  /** SIGTERM/SIGINT: sources stop, parsers flush, the spool closes within this; systemd's TimeoutStopSec (90 s) is above it. */
  shutdown_deadline_ms: z.number().int().positive().default(10_000),
  /** host:port for GET /metrics (Prometheus), e.g. 127.0.0.1:9465; unset (default): no listener. Keep it on loopback or a scrape network: it has no authentication. */
  metrics_listen: z.string().regex(/^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, { message: "must be host:port, e.g. 127.0.0.1:9465" }).optional(),
  /** A stats line (per source lines/events/unparsed, spool use, shipper lag) this often. */
  stats_interval_s: z.number().int().positive().default(60),
  sink: z
    .discriminatedUnion("kind", [
      z.strictObject({ kind: z.literal("kafka") }),
      z.strictObject({
        kind: z.literal("http"),
        url: z.url({ message: "must be the gateway's base URL, e.g. http://prodtrail:3000" }),
        /** ptk_… token from `prodtrail keys create`. */
        api_key: z.string().optional(),
        /** pte_… one-time token from `prodtrail collectors enroll <collector_id>`: registers this collector's first signing key. */
        enrolment_token: z.string().optional(),
      }),
    ])
    .default({ kind: "http", url: "http://127.0.0.1:3000" }),
  spool: z
    .strictObject({
      /** Disk the spool may use before the collector stops reading sources (it never drops). */
      max_bytes: z.number().int().positive().default(1024 * 1024 * 1024),
      fsync: z.enum(["always", "interval", "never"]).default("interval"),
      fsync_interval_ms: z.number().int().positive().default(200),
    })
    .default({ max_bytes: 1024 * 1024 * 1024, fsync: "interval", fsync_interval_ms: 200 }),
  sources: z
    .strictObject({
      auth: z.strictObject({ paths, time_zone: timeZone }).optional(),
      auditd: z
        .strictObject({
          paths,
          /** uid → name for RAW-format records (read at collection time, refreshed each minute; NSS users through getent). */
          passwd_file: z.string().min(1).default("/etc/passwd"),
          /** USER_LOGIN/USER_AUTH/USER_CMD/USER_ACCT… as events; off: the auth source reports the same logins and sudo commands. */
          user_records: z.boolean().default(false),
        })
        .optional(),
      packages: z.strictObject({ dpkg_log: z.string().default("/var/log/dpkg.log"), apt_history: z.string().default("/var/log/apt/history.log"), time_zone: timeZone }).optional(),
      vault: z.strictObject({ paths, break_glass_paths: z.array(z.string()).default([]) }).optional(),
      /** The journal itself (`journalctl -o json --follow`), for hosts without rsyslog; read like auth logs. */
      journald: z
        .strictObject({
          command: z.string().min(1).default("journalctl"),
          /** journalctl matches; auth (4) and authpriv (10) by default: sshd, sudo, su, login. */
          matches: z.array(z.string().regex(/^[A-Z0-9_]{1,64}=.{0,256}$/, { message: "a journal match FIELD=value, e.g. SYSLOG_FACILITY=10" })).default(["SYSLOG_FACILITY=4", "SYSLOG_FACILITY=10"]),
          /** Without a saved cursor: `end` (default) or `beginning` of the journal. */
          start_at: z.enum(["end", "beginning"]).default("end"),
          time_zone: timeZone,
        })
        .optional(),
      /** sudo 1.9 `log_format=json` log files (`logfile=` in sudoers): pretty or json_compact. */
      sudo: z.strictObject({ paths }).optional(),
      files: z
        .strictObject({
          roots: paths,
          include: z.array(z.string()).default(["**"]),
          exclude: z.array(z.string()).default(["**/*.swp", "**/*~", "**/.git/**"]),
          rescan_interval_s: z.number().int().positive().default(300),
          /** Keep the (redacted) content of text files under these paths in their change events, for `prodtrail drift patch`; pair with drift.mappings[].keep_content. Off: []. */
          keep_content: z.array(z.string().startsWith("/", { message: "must be an absolute path; a directory ends in /" })).default([]),
          /** At most this many bytes kept per file (the event's raw bound is 16 KiB). */
          keep_content_max_bytes: z.number().int().min(1).max(16_384).default(16_384),
        })
        .optional(),
      k8s: z
        .strictObject({
          listen_host: z.string().default("127.0.0.1"),
          listen_port: z.number().int().min(1).max(65535).default(8443),
          /** One webhook POST; the API server's default batch (400 events) is well under 8 MiB. */
          max_body_bytes: z.number().int().positive().default(8 * 1024 * 1024),
        })
        .optional(),
      git: z
        .strictObject({
          repos: z
            .array(
              z.strictObject({
                name: z.string().min(1).max(256),
                path: z.string().min(1),
                branches: z.array(z.string().min(1)).default(["main"]),
              }),
            )
            .min(1),
          fetch_interval_s: z.number().int().positive().default(60),
        })
        .optional(),
    })
    .default({}),
});

export type CollectConfig = z.output<typeof collectConfigSchema>;

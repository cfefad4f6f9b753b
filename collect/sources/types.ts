import { LIMITS, parseEvent, type AuditEvent, type AuditEventInput } from "../../schemas";
import { boundRaw, clip, redact } from "../redact";

/**
 * The contract every log-format parser of `prodtrail collect` follows.
 *
 * A parser is a pure object fed one line at a time by the tailer: it reads no
 * files and no clock; what it needs from the host (now, a file's mtime, the
 * zone, uid → name) comes through the context, so the same lines and context
 * give the same events, ids included. It keeps state only where the format
 * needs it (auditd records of one event, sshd sessions, Vault request/response
 * pairs, apt stanzas) and bounds that state.
 *
 * Lines it cannot parse produce no event: they are counted in `stats.unparsed`
 * with the last few (redacted, cut to 512 characters) kept as samples for the
 * collector's diagnostics log. Recognised lines that describe nothing we
 * record (cron sessions, dpkg `status` lines) count as `ignored`.
 */
export type SourceName = "auth" | "auditd" | "packages" | "vault" | "k8s" | "sudo" | "journald";

/** Where a line came from: a stable file identity (e.g. `dev:inode`) and the byte offset of the line's start. */
export interface SourcePosition {
  file: string;
  offset: number;
}

export interface SourceContext {
  collectorId: string;
  /** The host events are about (this server); log-embedded host names are not trusted. */
  host: string;
  env: string;
  service?: string;
  /** Year inference for `Nov 22 08:01:02` timestamps when the file's time is unknown. */
  now(): Date;
  /**
   * Modification time of the file a SourcePosition names (`SourcePosition.file`),
   * read when the parser first meets that file: the anchor of year inference,
   * so an auth.log.1 from 2019 is dated 2019. Undefined: use now().
   */
  fileTime?(file: string): Date | undefined;
  /** IANA zone of timestamps written without an offset (classic syslog, dpkg.log); default: the host's (TZ). */
  timeZone?: string;
  /** uid → user name on this host (/etc/passwd, read at collection time); auditd asks it for auid/uid/ouid. */
  resolveUid?(uid: number): string | undefined;
}

/** CRLF files (logs copied from Windows shares, some appliances): the `\r` is not part of the line. */
export const stripCr = (line: string): string => (line.endsWith("\r") ? line.slice(0, -1) : line);

/** Control bytes shown as `\xNN`, so a sample printed to a terminal or log is text (NUL-padded files after a crash). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;
const escapeControls = (s: string): string => s.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);

export interface SourceParser {
  readonly source: SourceName;
  readonly stats: ParserStats;
  push(line: string, position: SourcePosition): AuditEvent[];
  /** End of input (run-once mode, shutdown): emit what grouping state still holds. */
  flush(): AuditEvent[];
}

const SAMPLE_COUNT = 8;
const SAMPLE_CHARS = 512;

export interface ParserSample {
  kind: "unparsed" | "invalid";
  reason: string;
  line: string;
}

export class ParserStats {
  lines = 0;
  events = 0;
  ignored = 0;
  unparsed = 0;
  /** Events a parser built that the schema refused: a parser bug, logged loudly, never emitted. */
  invalid = 0;
  readonly samples: ParserSample[] = [];

  unparsedLine(line: string, reason: string): void {
    this.unparsed += 1;
    this.sample({ kind: "unparsed", reason, line });
  }

  invalidEvent(line: string, reason: string): void {
    this.invalid += 1;
    this.sample({ kind: "invalid", reason, line });
  }

  private sample(s: ParserSample): void {
    if (this.samples.length >= SAMPLE_COUNT) this.samples.shift();
    this.samples.push({ ...s, line: clip(escapeControls(redact(clip(s.line, SAMPLE_CHARS * 4))), SAMPLE_CHARS) });
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** What a parser fills in; the envelope's constant parts come from the context. */
export type EventDraft = DistributiveOmit<AuditEventInput, "schema_version" | "env" | "host" | "raw" | "collector_id">;
/**
 * schemas/event.ts builds each member by spreading a generic shape over the
 * envelope, so where a member makes an envelope field required (access.grant
 * `grant_id`, change.k8s `resource`) its static type is the intersection of
 * optional and required and comes out as `undefined`. The runtime schema is
 * right; these two drafts restate the required field until the type is fixed.
 */
type Restate<T extends EventDraft["type"], K extends string> = Omit<Extract<EventDraft, { type: T }>, K> & Record<K, string>;
export type GrantDraft = Restate<"access.grant", "grant_id">;
export type K8sChangeDraft = Restate<"change.k8s", "resource">;
export type AnyDraft = EventDraft | GrantDraft | K8sChangeDraft;
/** A draft without its identity and time, which a parser's emit helper adds. */
export type EventBody = DistributiveOmit<AnyDraft, "event_id" | "occurred_at">;

/** Free-text fields that may carry attacker-controlled text (an sshd "invalid user" name), cut to their limit. */
const CLIPPED: ReadonlyArray<readonly [string, number]> = [
  ["actor_id", LIMITS.name],
  ["effective_user", LIMITS.name],
  ["impersonator", LIMITS.name],
  ["user_agent", LIMITS.name],
  ["session_id", LIMITS.id],
  ["grant_id", LIMITS.id],
  ["resource", LIMITS.path],
  ["path", LIMITS.path],
  ["old_path", LIMITS.path],
  ["reason", LIMITS.text],
  ["command", LIMITS.command],
  ["package", LIMITS.name],
  ["version_before", LIMITS.short],
  ["version_after", LIMITS.short],
  ["op", LIMITS.short],
  ["owner", LIMITS.name],
];

/**
 * Build, bound and validate one event. `raw` is redacted and bounded here,
 * so no parser can forget to. Returns undefined (and counts it) when the
 * schema refuses the event: a parser never emits an invalid event.
 */
export function buildEvent(ctx: SourceContext, stats: ParserStats, draft: AnyDraft, raw: string): AuditEvent | undefined {
  const input: Record<string, unknown> = {
    schema_version: 1,
    env: ctx.env,
    host: ctx.host,
    collector_id: ctx.collectorId,
    ...(ctx.service === undefined ? {} : { service: ctx.service }),
    ...draft,
    raw: boundRaw(redact(raw)),
  };
  for (const [field, max] of CLIPPED) {
    const value = input[field];
    if (typeof value === "string") input[field] = clip(value, max);
  }
  if (input.actor_id === "") input.actor_id = "unknown";
  if (typeof input.labels === "object" && input.labels !== null) input.labels = clipLabels(input.labels);
  const result = parseEvent(input);
  if (result.ok) {
    stats.events += 1;
    return result.event;
  }
  stats.invalidEvent(raw, result.issues.map((i) => `${i.field}: ${i.message}`).join("; "));
  return undefined;
}

function clipLabels(labels: object): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) {
    if (typeof v === "string" && v !== "") out[k] = clip(v, LIMITS.labelValue);
  }
  return out;
}

/** Collect the defined events of several builds. */
export function defined(events: ReadonlyArray<AuditEvent | undefined>): AuditEvent[] {
  return events.filter((e): e is AuditEvent => e !== undefined);
}

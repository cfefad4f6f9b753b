import { EVENT_TYPES, type EventType } from "../schemas/vocab";

/**
 * Which SQL expression over the `events` table a rule's field name means
 * (documented in FIELDS.md). Two vocabularies are accepted: our envelope's
 * own column names, and the Sigma names of the Linux taxonomy that have an
 * honest equivalent. A field missing here is refused at load, by name:
 * matching it against an empty column would make the rule silently never fire.
 */
const ENVELOPE_COLUMNS = [
  "event_id", "type", "category", "actor_id", "actor_kind", "effective_user", "impersonator", "attribution_method",
  "team", "channel", "session_id", "grant_id", "ticket", "source_ip", "user_agent", "env", "host", "service",
  "resource", "outcome", "reason", "severity", "command", "path", "op", "old_path", "before_hash", "after_hash",
  "mode", "owner", "package", "version_before", "version_after", "repo", "commit", "branch", "pipeline",
  "artifact", "deploy_id", "collector_id", "raw",
] as const;

/** Sigma field name → our expression. Image is the command's first word: collectors record the command line, not a separate executable path. */
const SIGMA_ALIASES: Readonly<Record<string, string>> = {
  CommandLine: "command",
  Image: "splitByWhitespace(command)[1]",
  User: "effective_user",
  LogonId: "session_id",
  TargetFilename: "path",
  SourceIp: "source_ip",
  src_ip: "source_ip",
  ComputerName: "host",
  Computer: "host",
  hostname: "host",
  Hashes: "after_hash",
  pam_user: "effective_user",
  pam_rhost: "source_ip",
  USER: "effective_user",
};

/** Non-string columns, as the text a Sigma value compares with. */
const TYPED_COLUMNS: Readonly<Record<string, string>> = {
  break_glass: "toString(break_glass)",
  attribution_confidence: "toString(attribution_confidence)",
  seq: "toString(seq)",
  size: "toString(size)",
};

export function fieldExpression(name: string): string | undefined {
  const typed = TYPED_COLUMNS[name];
  if (typed !== undefined) return typed;
  if ((ENVELOPE_COLUMNS as readonly string[]).includes(name)) return name;
  return SIGMA_ALIASES[name];
}

/** Sigma keyword lists (selections that are plain strings) search the redacted source line. */
export const KEYWORD_EXPRESSION = "raw";

export function isEventType(value: string): value is EventType {
  return (EVENT_TYPES as readonly string[]).includes(value);
}

export interface LogSource {
  product?: string | undefined;
  category?: string | undefined;
  service?: string | undefined;
}

/** Sigma logsources we collect, and the event types that carry them. */
const LOGSOURCES: ReadonlyArray<{ match: LogSource; types: EventType[] }> = [
  { match: { product: "linux", category: "process_creation" }, types: ["access.exec", "access.privilege"] },
  { match: { product: "linux", category: "file_event" }, types: ["change.file"] },
  { match: { product: "linux", category: "file_change" }, types: ["change.file"] },
  { match: { product: "linux", service: "sshd" }, types: ["access.login", "access.login_failed", "access.logout"] },
  { match: { product: "linux", service: "auth" }, types: ["access.login", "access.login_failed", "access.logout", "access.privilege"] },
  { match: { product: "linux", service: "sudo" }, types: ["access.privilege", "access.exec"] },
  { match: { product: "linux", service: "auditd" }, types: ["access.exec", "change.file"] },
];

/** The event types of a Sigma logsource, or undefined when we collect nothing of that kind. */
export function logsourceTypes(source: LogSource): EventType[] | undefined {
  const found = LOGSOURCES.find(
    ({ match }) =>
      match.product === source.product &&
      (match.category === undefined || match.category === source.category) &&
      (match.service === undefined || match.service === source.service) &&
      (match.category !== undefined || source.category === undefined) &&
      (match.service !== undefined || source.service === undefined),
  );
  return found?.types;
}

import { isIP } from "node:net";
import { deriveEventId, type AuditEvent } from "../../../schemas";
import { boundCommand, redact } from "../../redact";
import { rfc3339ToMs, toIso } from "../auth/time";
import { BoundedMap } from "../auth/sessions";
import { renderArgs } from "../auditd/command";
import { globMatcher } from "../../../lib/glob";
import { buildEvent, ParserStats, stripCr, type EventBody, type SourceContext, type SourceParser, type SourcePosition } from "../types";
import { k8sEventListSchema, k8sEventSchema, type K8sEvent } from "./entry";
import { decodeUri, queryParams } from "./uri";
import { unwrapManaged } from "./wrappers";

export interface K8sParserOptions {
  /** Users whose writes are automation, not people (globs, `*` any run of characters). Default DEFAULT_SERVICE_USERS. */
  serviceUsers?: readonly string[];
}

/**
 * Kubernetes' own components and workloads. Not `system:*`: that also matches
 * system:anonymous (an unauthenticated request that got through), the writes
 * security most wants to see. Those are never treated as a service.
 */
export const DEFAULT_SERVICE_USERS = ["system:serviceaccount:*", "system:node:*", "system:kube-*", "system:apiserver", "system:volume-scheduler"];
const ANONYMOUS = new Set(["system:anonymous", "system:unauthenticated"]);
const SESSION_SUBRESOURCES = new Set(["exec", "attach", "portforward"]);
/**
 * An exec/attach logs ResponseStarted when the stream opens and
 * ResponseComplete only when it closes, hours later for an interactive shell:
 * a session counts at the first of the two (RequestReceived comes before
 * authorization, so it cannot tell an allowed exec from a refused one).
 */
const SESSION_STAGES = new Set(["ResponseStarted", "ResponseComplete", "Panic"]);
const WRITE_VERBS = new Set(["create", "update", "patch", "delete", "deletecollection"]);
/** A retried webhook batch repeats auditIDs; the last 16 384 are remembered. */
const SEEN = 16_384;

/**
 * Kubernetes audit Events (log backend lines or webhook EventList bodies) →
 * access.exec for exec/attach/portforward, change.k8s for writes by people.
 * Writes count at `ResponseComplete` (the status is known then); sessions at
 * their first response stage (SESSION_STAGES); duplicates by auditID are dropped.
 */
export class K8sParser implements SourceParser {
  readonly source = "k8s";
  readonly stats = new ParserStats();
  private readonly seen = new BoundedMap<true>(SEEN);
  private readonly isService: (user: string) => boolean;

  constructor(
    private readonly ctx: SourceContext,
    options: K8sParserOptions = {},
  ) {
    const globs = (options.serviceUsers ?? DEFAULT_SERVICE_USERS).map((g) => g.replaceAll("*", "**"));
    const matches = globMatcher(globs);
    this.isService = (user) => !ANONYMOUS.has(user) && matches(user);
  }

  push(input: string, _position: SourcePosition): AuditEvent[] {
    this.stats.lines += 1;
    const line = stripCr(input);
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      this.stats.unparsedLine(line, "not JSON");
      return [];
    }
    const managed = unwrapManaged(json);
    if (managed) return managed.flatMap((item) => this.item(item, JSON.stringify(item)));
    const list = k8sEventListSchema.safeParse(json);
    const items = list.success ? list.data.items : [json];
    return items.flatMap((item) => this.item(item, list.success ? JSON.stringify(item) : line));
  }

  flush(): AuditEvent[] {
    return [];
  }

  private item(item: unknown, line: string): AuditEvent[] {
    const parsed = k8sEventSchema.safeParse(item);
    if (!parsed.success) {
      this.stats.unparsedLine(line, `not an audit.k8s.io Event: ${parsed.error.issues[0]?.path.join(".") ?? "?"}`);
      return [];
    }
    const e = parsed.data;
    if (!this.countsAt(e) || this.seen.get(e.auditID)) {
      this.stats.ignored += 1;
      return [];
    }
    const draft = this.draft(e);
    if (!draft) {
      this.stats.ignored += 1;
      return [];
    }
    const timeMs = rfc3339ToMs(e.requestReceivedTimestamp ?? "") ?? rfc3339ToMs(e.stageTimestamp ?? "");
    if (timeMs === undefined) {
      this.stats.unparsedLine(line, "no valid requestReceivedTimestamp");
      return [];
    }
    this.seen.set(e.auditID, true);
    const event = buildEvent(this.ctx, this.stats, { ...draft, event_id: deriveEventId(this.ctx.collectorId, "k8s", e.auditID), occurred_at: toIso(timeMs) }, rawOf(item));
    return event ? [event] : [];
  }

  private countsAt(e: K8sEvent): boolean {
    return isSession(e) ? SESSION_STAGES.has(e.stage) : e.stage === "ResponseComplete";
  }

  private draft(e: K8sEvent): EventBody | undefined {
    const ref = e.objectRef ?? {};
    const username = e.user?.username ?? "";
    const service = username === "" || this.isService(username);
    const anonymous = ANONYMOUS.has(username);
    const code = e.responseStatus?.code;
    const outcome = code === undefined ? ("unknown" as const) : code < 400 ? ("success" as const) : ("failure" as const);
    const sourceIp = e.sourceIPs?.find((ip) => isIP(ip) !== 0);
    const common = {
      actor_id: username === "" ? "unknown" : username,
      actor_kind: username === "" || anonymous ? ("unknown" as const) : service ? ("service" as const) : ("human" as const),
      // The authenticated requester is the actor; whom they impersonated is the identity they acted as.
      effective_user: e.impersonatedUser?.username,
      attribution_method: username === "" ? ("none" as const) : ("k8s-user" as const),
      attribution_confidence: username === "" ? 0 : 1,
      channel: "kubectl" as const,
      outcome,
      reason: outcome === "failure" ? (e.responseStatus?.message ?? e.responseStatus?.reason) : undefined,
      source_ip: sourceIp,
      user_agent: e.userAgent,
      labels: { source: "k8s", verb: e.verb, ...(ref.namespace ? { namespace: ref.namespace } : {}), ...(code !== undefined ? { status: String(code) } : {}) },
    };
    const resource = objectPath(e);
    if (isSession(e) && ref.subresource) {
      const args = queryParams(e.requestURI, "command");
      const ports = queryParams(e.requestURI, "ports");
      const container = queryParams(e.requestURI, "container")[0];
      return {
        type: "access.exec",
        ...common,
        resource,
        command: args.length > 0 ? boundCommand(redact(renderArgs(args))) : undefined,
        labels: { ...common.labels, subresource: ref.subresource, ...(container ? { container } : {}), ...(ports.length > 0 ? { ports: ports.join(",") } : {}) },
      };
    }
    if (!WRITE_VERBS.has(e.verb) || service) return undefined;
    return { type: "change.k8s", ...common, resource, op: e.verb };
  }
}

const isSession = (e: K8sEvent): boolean => e.objectRef?.resource === "pods" && SESSION_SUBRESOURCES.has(e.objectRef.subresource ?? "");

/**
 * `<apiGroup>/<resource>/<namespace>/<name>[/<subresource>]`; core group as `core`, cluster scope and unnamed as `-`.
 * A Namespace is cluster-scoped, but the API server puts its own name in
 * objectRef.namespace on get/update/delete (not on create): always `-`, so one
 * object has one id.
 */
function objectPath(e: K8sEvent): string {
  const ref = e.objectRef ?? {};
  const namespace = ref.resource === "namespaces" && (ref.apiGroup ?? "") === "" ? "-" : ref.namespace || "-";
  const parts = [ref.apiGroup || "core", ref.resource || "-", namespace, ref.name || "-"];
  if (ref.subresource) parts.push(ref.subresource);
  return parts.join("/");
}

/**
 * The Event without request/response bodies (they can hold Secret data and are
 * not needed to explain the event), and with requestURI URL-decoded so that
 * redaction sees `postgres://admin:secret@…` rather than `%3Asecret%40`.
 */
function rawOf(item: unknown): string {
  if (typeof item !== "object" || item === null || Array.isArray(item)) return JSON.stringify(item) ?? "";
  const copy: Record<string, unknown> = { ...item };
  for (const key of ["requestObject", "responseObject"]) if (key in copy) copy[key] = "[omitted]";
  if (typeof copy.requestURI === "string") copy.requestURI = decodeUri(copy.requestURI);
  return JSON.stringify(copy);
}

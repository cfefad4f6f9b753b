import { createHash } from "node:crypto";
import { isIP } from "node:net";
import { deriveEventId, LIMITS, type AuditEvent } from "../../../schemas";
import { rfc3339ToMs, toIso } from "../auth/time";
import { BoundedMap } from "../auth/sessions";
import { buildEvent, ParserStats, stripCr, type SourceContext, type SourceParser, type SourcePosition } from "../types";
import { vaultEntrySchema, type VaultEntry } from "./entry";
import { globMatcher } from "../../../lib/glob";
import { vaultActorKind, vaultRole } from "./identity";
import { JsonAssembler } from "../sudo/assemble";

export interface VaultParserOptions {
  /** Globs of break-glass secret paths, e.g. `secret/data/breakglass/*`, `database/creds/prod-admin`. */
  breakGlassPaths: readonly string[];
  /** Operations on those paths that are a checkout. Default `read`: an `update` there is usually rotation. */
  breakGlassOperations?: readonly string[];
  /**
   * Reads of other paths: `skip` (default; applications read secrets all day and
   * each read would be an event) or `grant` (access.grant without break_glass).
   */
  otherReads?: "skip" | "grant";
}

/** Requests waiting for their response; Vault writes both within one request's lifetime, so 4096 in flight is ample. */
const MAX_PENDING = 4096;

/**
 * Vault audit-device JSON → access.grant. A request and its response share
 * `request.id`; one checkout is one event, built from the response (which
 * has the lease) or from the request alone at flush/eviction. The event id
 * derives from the request id, so whichever half builds it, it is the same event.
 */
export class VaultParser implements SourceParser {
  readonly source = "vault";
  readonly stats = new ParserStats();
  private readonly pending = new BoundedMap<{ entry: VaultEntry; line: string }>(MAX_PENDING);
  private readonly assembler = new JsonAssembler();
  private readonly isBreakGlass: (path: string) => boolean;
  private readonly breakGlassOps: ReadonlySet<string>;

  constructor(
    private readonly ctx: SourceContext,
    private readonly options: VaultParserOptions,
  ) {
    this.isBreakGlass = globMatcher(options.breakGlassPaths);
    this.breakGlassOps = new Set(options.breakGlassOperations ?? ["read"]);
  }

  push(input: string, _position: SourcePosition): AuditEvent[] {
    this.stats.lines += 1;
    const line = stripCr(input);
    // One object per line is what the file device writes; `jq .` copies and some shippers write it indented.
    if (!this.assembler.open && line.trim() !== "{") return this.entry(line);
    return this.assembler.push(line).flatMap((d) => {
      if (d.kind === "document") return this.entry(d.text);
      this.stats.unparsedLine(d.kind === "stray" ? d.line : d.firstLine, d.kind === "stray" ? "not JSON" : "Vault entry over 4 MiB");
      return [];
    });
  }

  private entry(line: string): AuditEvent[] {
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      this.stats.unparsedLine(line, "not JSON");
      return [];
    }
    const parsed = vaultEntrySchema.safeParse(json);
    if (!parsed.success) {
      this.stats.unparsedLine(line, `not a Vault audit entry: ${parsed.error.issues[0]?.path.join(".") ?? "?"}`);
      return [];
    }
    const entry = parsed.data;
    if (!this.wanted(entry)) {
      this.stats.ignored += 1;
      return [];
    }
    const pairKey = requestKey(entry);
    if (entry.type === "request") {
      const evicted = this.pending.set(pairKey, { entry, line });
      return evicted ? this.build(evicted.entry, undefined, evicted.line) : [];
    }
    const request = this.pending.delete(pairKey);
    return this.build(request?.entry ?? entry, entry, line);
  }

  flush(): AuditEvent[] {
    return [
      ...this.assembler.flush().flatMap((d) => {
        this.stats.unparsedLine(d.kind === "document" ? d.firstLine : d.kind === "stray" ? d.line : d.firstLine, "unterminated JSON entry at end of input");
        return [];
      }),
      ...this.pending.drain().flatMap((p) => this.build(p.entry, undefined, p.line)),
    ];
  }

  private wanted(e: VaultEntry): boolean {
    const path = e.request.path ?? "";
    if (this.isBreakGlass(path)) return this.breakGlassOps.has(e.request.operation ?? "");
    return this.options.otherReads === "grant" && e.request.operation === "read";
  }

  private build(request: VaultEntry, response: VaultEntry | undefined, line: string): AuditEvent[] {
    const e = response ?? request;
    const timeMs = rfc3339ToMs(request.time) ?? rfc3339ToMs(e.time);
    if (timeMs === undefined) {
      this.stats.unparsedLine(line, "bad time");
      return [];
    }
    const path = e.request.path ?? "";
    const breakGlass = this.isBreakGlass(path);
    const auth = e.auth ?? request.auth;
    const display = auth?.display_name ?? "";
    const entity = auth?.entity_id ?? "";
    const role = vaultRole(auth?.metadata);
    const actorId = display !== "" ? display : entity !== "" ? `entity:${entity}` : "unknown";
    const lease = e.response?.secret?.lease_id ?? "";
    const duration = e.response?.secret?.lease_duration ?? e.response?.auth?.lease_duration;
    const error = (response?.error ?? request.error ?? "").trim();
    const address = e.request.remote_address ?? "";
    const event = buildEvent(
      this.ctx,
      this.stats,
      {
        type: "access.grant",
        event_id: deriveEventId(this.ctx.collectorId, "vault", requestId(request)),
        occurred_at: toIso(timeMs),
        actor_id: actorId,
        actor_kind: actorId === "unknown" ? "unknown" : vaultActorKind(display),
        attribution_method: actorId === "unknown" ? "none" : "vault-entity",
        // An entity id is Vault's own identity; a display name alone can be chosen by whoever created the token.
        attribution_confidence: actorId === "unknown" ? 0 : entity !== "" ? 1 : 0.9,
        channel: breakGlass ? "break-glass" : "vault",
        break_glass: breakGlass,
        grant_id: lease !== "" && lease.length <= LIMITS.id ? lease : requestId(request).slice(0, LIMITS.id),
        duration_s: duration,
        resource: path,
        source_ip: isIP(address) ? address : undefined,
        outcome: error !== "" ? "failure" : response ? "success" : "unknown",
        reason: error !== "" ? error : response ? undefined : "no response logged",
        labels: {
          source: "vault",
          operation: e.request.operation ?? "",
          ...(entity ? { entity_id: entity } : {}),
          ...(auth?.policies ? { policies: auth.policies.join(",") } : {}),
          ...(role ? { auth_role: role } : {}),
          ...(lease.length > LIMITS.id ? { lease_id: lease } : {}),
        },
      },
      line,
    );
    return event ? [event] : [];
  }
}

/**
 * Pairs a request with its response. Vault always writes `request.id`; some
 * Vault-compatible servers and older proxies leave it out, and then what the
 * two halves share is the caller and the call: token HMAC, accessor, address,
 * port, operation and path.
 */
function requestKey(e: VaultEntry): string {
  const r = e.request;
  if (r.id !== undefined) return r.id;
  return `noid:${createHash("sha256").update(JSON.stringify([r.client_token, e.auth?.accessor, r.remote_address, r.remote_port, r.operation, r.path])).digest("hex").slice(0, 32)}`;
}

/** The event's natural key: the request id, or the pair key plus the request's time (the same call made twice is two events). */
function requestId(request: VaultEntry): string {
  return request.request.id ?? `${requestKey(request)}:${request.time}`;
}

import type { FieldIssue } from "./issues";

/**
 * Records only the prodtrail server writes about itself: dashboard views,
 * searches, exports and admin changes (`audit.view`), drift acceptances
 * (`audit.view` on `drift:accept:<id>`), and sign-ins/outs to the dashboard
 * (channel `dashboard`, attribution `dashboard-session`). Detection triage
 * is filed the same way. No collector, API key or Kafka producer may write
 * them: a collector key once posted `audit.view` as admin@localhost and a
 * forged `drift:accept:` turned an unreconciled edit into "accepted".
 *
 * Every entry point (HTTP gateway, Kafka ingest worker) checks events with
 * `serverOnlyIssues`; the server's own records go to the store through a
 * sink no key can reach (server/serve.ts).
 */
export const SERVER_ONLY_TYPES: ReadonlySet<string> = new Set(["audit.view"]);

/** Channel of everything done through the dashboard (sign-ins, views, acceptances). */
export const SERVER_ONLY_CHANNELS: ReadonlySet<string> = new Set(["dashboard"]);

/** Attribution only the dashboard can vouch for: a signed-in session. */
export const SERVER_ONLY_ATTRIBUTION: ReadonlySet<string> = new Set(["dashboard-session"]);

/** Resources naming a server action, whatever the type: drift acceptances, detection triage. */
export const SERVER_ONLY_RESOURCE_PREFIXES: readonly string[] = ["drift:accept:", "finding:triage:", "retention:"];

/** The slice of an event the check reads: any parsed or raw event fits. */
export interface ServerOnlyCandidate {
  type?: unknown;
  channel?: unknown;
  attribution_method?: unknown;
  resource?: unknown;
}

/**
 * Why this event may not come from a collector or key, one issue per
 * offending field (`events[3].type: audit.view is written only by the
 * prodtrail server …`); empty when it may.
 */
export function serverOnlyIssues(event: ServerOnlyCandidate, fieldPrefix = ""): FieldIssue[] {
  const field = (name: string) => (fieldPrefix === "" ? name : `${fieldPrefix}.${name}`);
  const issues: FieldIssue[] = [];
  if (typeof event.type === "string" && SERVER_ONLY_TYPES.has(event.type)) {
    issues.push({ field: field("type"), message: `${event.type} records (dashboard views, exports, sign-ins, drift acceptances, key and user administration) are written only by the prodtrail server, never by a collector or API key` });
  }
  if (typeof event.channel === "string" && SERVER_ONLY_CHANNELS.has(event.channel)) {
    issues.push({ field: field("channel"), message: `channel ${event.channel} is the prodtrail dashboard's own; only the server writes it` });
  }
  if (typeof event.attribution_method === "string" && SERVER_ONLY_ATTRIBUTION.has(event.attribution_method)) {
    issues.push({ field: field("attribution_method"), message: `${event.attribution_method} attribution is vouched for only by the prodtrail server (a signed-in dashboard session)` });
  }
  const resource = event.resource;
  if (typeof resource === "string") {
    const prefix = SERVER_ONLY_RESOURCE_PREFIXES.find((p) => resource.startsWith(p));
    if (prefix !== undefined) issues.push({ field: field("resource"), message: `resources starting with ${prefix} name a server action; only the prodtrail server writes them` });
  }
  return issues;
}

export interface ServerOnlyRejection {
  index: number;
  event_id?: string;
  issues: FieldIssue[];
}

/** Every event of a batch that only the server may write, by index, with its issues. */
export function serverOnlyRejections(events: readonly (ServerOnlyCandidate & { event_id?: string })[]): ServerOnlyRejection[] {
  const out: ServerOnlyRejection[] = [];
  events.forEach((event, index) => {
    const issues = serverOnlyIssues(event, `events[${index}]`);
    if (issues.length > 0) out.push({ index, ...(event.event_id !== undefined ? { event_id: event.event_id } : {}), issues });
  });
  return out;
}

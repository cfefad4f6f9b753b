import { z } from "zod";
import { LIMITS, serverActionRecord, type AuditEvent } from "../schemas";
import { defineQuery } from "../store/query";
import type { Store } from "../store/open";
import { ACCEPT_RESOURCE_PREFIX } from "./facts";
import { ACCEPTABLE_STATES, isDriftState } from "./states";

/**
 * Accepting a direct edit ("we keep it, ticket OPS-12 says why") is itself
 * an audited event through the normal pipeline: an `audit.view` whose
 * resource is `drift:accept:<change_event_id>`, carrying who, the ticket and
 * the note (reason). The drift job reads the latest one per edit and turns a
 * pending, unreconciled or lost-hotfix edit into "accepted". No new event
 * type was needed; a dedicated `drift.accept` type is proposed in the report.
 */
export const acceptInputSchema = z.strictObject({
  changeEventId: z.string().min(1, { message: "name the change event to accept" }).max(LIMITS.id - ACCEPT_RESOURCE_PREFIX.length),
  ticket: z.string().trim().min(1, { message: "a ticket is required (e.g. OPS-123)" }).max(LIMITS.short),
  note: z.string().trim().min(3, { message: "a note of at least 3 characters is required: say why the edit stays" }).max(LIMITS.text),
  actorId: z.string().min(1).max(LIMITS.name),
  /** "dashboard-session" from the dashboard; "none" when self-declared on the CLI. */
  attributionMethod: z.enum(["dashboard-session", "none"]),
  sessionId: z.string().max(LIMITS.id).optional(),
  channel: z.enum(["dashboard", "unknown"]),
  /** The edit's host and env: the acceptance is filed where the edit is, so the job's incremental scope sees it. */
  host: z.string().min(1),
  env: z.string().min(1),
});
export type AcceptInput = z.input<typeof acceptInputSchema>;

export function acceptanceEvent(input: AcceptInput, now = new Date()): AuditEvent {
  const a = acceptInputSchema.parse(input);
  return serverActionRecord(
    {
      kind: "drift.accept",
      idParts: [a.changeEventId, a.ticket],
      actorId: a.actorId,
      attributionMethod: a.attributionMethod,
      sessionId: a.sessionId,
      channel: a.channel,
      ticket: a.ticket,
      env: a.env,
      host: a.host,
      service: "prodtrail-drift",
      resource: `${ACCEPT_RESOURCE_PREFIX}${a.changeEventId}`,
      reason: a.note,
      command: "drift accept",
    },
    now,
  );
}

export class DriftEditNotFoundError extends Error {
  constructor(readonly changeEventId: string) {
    super(`no direct edit with change event id ${changeEventId}; list them with 'prodtrail drift --json'`);
    this.name = "DriftEditNotFoundError";
  }
}

const editWhere = defineQuery({
  name: "drift.edit_location",
  params: z.object({ id: z.string() }),
  row: z.object({ host: z.string(), env: z.string(), state: z.string() }),
  sql: (t) => `SELECT host, env, state FROM ${t.drift} FINAL WHERE change_event_id = {id:String} LIMIT 1`,
});

/** Where the edit is (host, env, state), or DriftEditNotFoundError. */
export async function locateEdit(store: Store, changeEventId: string): Promise<{ host: string; env: string; state: string }> {
  const [row] = await editWhere(store, { id: changeEventId });
  if (row === undefined) throw new DriftEditNotFoundError(changeEventId);
  return row;
}

export class DriftNotAcceptableError extends Error {
  constructor(readonly changeEventId: string, readonly state: string) {
    super(
      `edit ${changeEventId} is ${state.replace("_", " ")}: there is nothing to accept. ` +
        `Only edits that need attention (${[...ACCEPTABLE_STATES].join(", ")}) can be accepted; see 'prodtrail drift show ${changeEventId}'.`,
    );
    this.name = "DriftNotAcceptableError";
  }
}

/** Where an edit an acceptance may close is; DriftEditNotFoundError or DriftNotAcceptableError otherwise. */
export async function locateAcceptableEdit(store: Store, changeEventId: string): Promise<{ host: string; env: string; state: string }> {
  const where = await locateEdit(store, changeEventId);
  if (!isDriftState(where.state) || !ACCEPTABLE_STATES.has(where.state)) throw new DriftNotAcceptableError(changeEventId, where.state);
  return where;
}

import { randomUUID } from "node:crypto";
import { z } from "zod";
import { serverActionRecord, type AuditEvent } from "../schemas";
import type { Store } from "./open";
import { defineQuery, insertRows } from "./query";
import { insertEvents } from "./events";
import type { Tables } from "./tables";

/**
 * Legal holds (issue #15): rows a hold matches stay in `events` past their
 * retention TTL while the hold is active. Holds are append-only: releasing
 * one adds a row to legal_hold_releases, so the record of who held what,
 * why and when survives the release. Every add and release is an audited
 * server record (`retention:hold:<id>`, `retention:release:<id>`), which
 * only the server may write (schemas/server-only.ts).
 */
export const HOLD_SCOPES = ["actor", "host", "env", "range"] as const;
export type HoldScope = (typeof HOLD_SCOPES)[number];

/** 20 years: the TTL condition expands a bounded hold to its days (migration 0017). */
export const MAX_HOLD_DAYS = 7_305;

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: "must be a day, YYYY-MM-DD" });

export const holdInputSchema = z
  .strictObject({
    scope: z.enum(HOLD_SCOPES),
    /** The actor id, host or env held; empty for scope "range" (every event of the days). */
    value: z.string().max(512).default(""),
    from: day.optional(),
    to: day.optional(),
    reason: z.string().trim().min(3, { message: "a reason of at least 3 characters is required (e.g. the matter or ticket)" }).max(2_000),
    setBy: z.string().trim().min(1, { message: "say who sets the hold" }).max(256),
    attributionMethod: z.enum(["dashboard-session", "none"]),
    sessionId: z.string().max(256).optional(),
  })
  .superRefine((h, ctx) => {
    if (h.scope === "range" && h.value !== "") ctx.addIssue({ code: "custom", path: ["value"], message: "a range hold takes no value: it holds every event of its days" });
    if (h.scope !== "range" && h.value.trim() === "") ctx.addIssue({ code: "custom", path: ["value"], message: `name the ${h.scope} to hold` });
    if (h.scope === "range" && (h.from === undefined || h.to === undefined)) ctx.addIssue({ code: "custom", path: ["from"], message: "a range hold needs both from and to" });
    if ((h.from === undefined) !== (h.to === undefined)) ctx.addIssue({ code: "custom", path: [h.from === undefined ? "from" : "to"], message: "give both from and to, or neither (held without end)" });
    if (h.from !== undefined && h.to !== undefined) {
      const days = (Date.parse(`${h.to}T00:00:00Z`) - Date.parse(`${h.from}T00:00:00Z`)) / 86_400_000;
      if (!Number.isFinite(days)) ctx.addIssue({ code: "custom", path: ["from"], message: "not a calendar day" });
      else if (days < 0) ctx.addIssue({ code: "custom", path: ["to"], message: "to is before from" });
      else if (days >= MAX_HOLD_DAYS) ctx.addIssue({ code: "custom", path: ["to"], message: `a bounded hold spans at most ${MAX_HOLD_DAYS} days; hold without dates to keep everything of this ${h.scope}` });
    }
  });
export type HoldInput = z.input<typeof holdInputSchema>;

export interface LegalHold {
  hold_id: string;
  scope: HoldScope;
  value: string;
  from: string | null;
  to: string | null;
  reason: string;
  set_by: string;
  set_at: string;
  released: { by: string; at: string; reason: string } | null;
}

const holdRow = z.object({
  hold_id: z.string(),
  scope: z.enum(HOLD_SCOPES),
  value: z.string(),
  bounded: z.coerce.boolean(),
  from_day: z.string(),
  to_day: z.string(),
  reason: z.string(),
  set_by: z.string(),
  set_at: z.string(),
  released_by: z.string(),
  released_at: z.string(),
  release_reason: z.string(),
});

const listHoldsQuery = defineQuery({
  name: "legal_holds.list",
  params: z.object({ includeReleased: z.boolean() }),
  row: holdRow,
  sql: (t) => `
    SELECT h.hold_id AS hold_id, h.scope AS scope, h.value AS value, h.bounded AS bounded,
           toString(h.from_day) AS from_day, toString(h.to_day) AS to_day, h.reason AS reason,
           h.set_by AS set_by, toString(h.set_at) AS set_at,
           r.by AS released_by, if(r.hold_id = '', '', toString(r.at)) AS released_at, r.why AS release_reason
    FROM ${t.legal_holds} AS h
    LEFT JOIN (SELECT hold_id, argMin(released_by, released_at) AS by, min(released_at) AS at, argMin(reason, released_at) AS why
               FROM ${t.legal_hold_releases} GROUP BY hold_id) AS r ON r.hold_id = h.hold_id
    WHERE {includeReleased:Bool} OR r.hold_id = ''
    ORDER BY h.set_at DESC, h.hold_id
    SETTINGS join_use_nulls = 0`,
});

const iso = (chTime: string) => new Date(`${chTime.replace(" ", "T")}Z`).toISOString();

export async function listHolds(store: Store, options: { includeReleased?: boolean } = {}): Promise<LegalHold[]> {
  const rows = await listHoldsQuery(store, { includeReleased: options.includeReleased ?? true });
  return rows.map((r) => ({
    hold_id: r.hold_id,
    scope: r.scope,
    value: r.value,
    from: r.bounded ? r.from_day : null,
    to: r.bounded ? r.to_day : null,
    reason: r.reason,
    set_by: r.set_by,
    set_at: iso(r.set_at),
    released: r.released_at === "" ? null : { by: r.released_by, at: iso(r.released_at), reason: r.release_reason },
  }));
}

export class HoldNotFoundError extends Error {
  constructor(readonly holdId: string) {
    super(`no legal hold ${holdId}; list them with 'prodtrail retention hold list'`);
    this.name = "HoldNotFoundError";
  }
}

export class HoldAlreadyReleasedError extends Error {
  constructor(readonly holdId: string, readonly releasedAt: string) {
    super(`legal hold ${holdId} was already released at ${releasedAt}`);
    this.name = "HoldAlreadyReleasedError";
  }
}

function holdRecord(kind: "retention.hold" | "retention.release", holdId: string, by: { actorId: string; attributionMethod: "dashboard-session" | "none"; sessionId?: string | undefined }, reason: string, description: string): AuditEvent {
  return serverActionRecord({
    kind,
    idParts: [holdId],
    actorId: by.actorId,
    attributionMethod: by.attributionMethod,
    sessionId: by.sessionId,
    channel: by.attributionMethod === "dashboard-session" ? "dashboard" : "unknown",
    env: "prodtrail",
    host: "prodtrail",
    service: "prodtrail-retention",
    resource: `${kind === "retention.hold" ? HOLD_RESOURCE_PREFIX : RELEASE_RESOURCE_PREFIX}${holdId}`,
    reason,
    command: description,
  });
}

export const HOLD_RESOURCE_PREFIX = "retention:hold:";
export const RELEASE_RESOURCE_PREFIX = "retention:release:";

/** Stores a hold (and its audit record); from then on every TTL merge keeps what it matches. */
export async function addHold(store: Store, input: HoldInput): Promise<LegalHold> {
  const h = holdInputSchema.parse(input);
  const holdId = `hold-${randomUUID()}`;
  const bounded = h.from !== undefined && h.to !== undefined;
  await insertRows(store, {
    table: "legal_holds",
    rows: [{ hold_id: holdId, scope: h.scope, value: h.value, bounded, from_day: h.from ?? "1970-01-01", to_day: h.to ?? "1970-01-01", reason: h.reason, set_by: h.setBy }],
  });
  const what = `${h.scope === "range" ? "every event" : `${h.scope} ${h.value}`}${bounded ? ` from ${h.from} to ${h.to}` : " without end"}`;
  await insertEvents(store, [holdRecord("retention.hold", holdId, { actorId: h.setBy, attributionMethod: h.attributionMethod, sessionId: h.sessionId }, h.reason, `retention hold ${what}`)]);
  const [stored] = (await listHolds(store)).filter((x) => x.hold_id === holdId);
  if (stored === undefined) throw new Error(`legal hold ${holdId} was written but cannot be read back`);
  return stored;
}

export const releaseInputSchema = z.strictObject({
  holdId: z.string().min(1, { message: "name the hold to release" }),
  reason: z.string().trim().min(3, { message: "a reason of at least 3 characters is required" }).max(2_000),
  releasedBy: z.string().trim().min(1, { message: "say who releases the hold" }).max(256),
  attributionMethod: z.enum(["dashboard-session", "none"]),
  sessionId: z.string().max(256).optional(),
});

/**
 * Releases a hold. What it kept becomes subject to its TTL again: gone at
 * the next TTL merge of its parts (merge_with_ttl_timeout, 4 h by default),
 * or at once with `prodtrail retention apply --now`.
 */
export async function releaseHold(store: Store, input: z.input<typeof releaseInputSchema>): Promise<LegalHold> {
  const r = releaseInputSchema.parse(input);
  const hold = (await listHolds(store)).find((h) => h.hold_id === r.holdId);
  if (hold === undefined) throw new HoldNotFoundError(r.holdId);
  if (hold.released !== null) throw new HoldAlreadyReleasedError(r.holdId, hold.released.at);
  await insertRows(store, { table: "legal_hold_releases", rows: [{ hold_id: r.holdId, reason: r.reason, released_by: r.releasedBy }] });
  await insertEvents(store, [holdRecord("retention.release", r.holdId, { actorId: r.releasedBy, attributionMethod: r.attributionMethod, sessionId: r.sessionId }, r.reason, `retention release ${hold.hold_id}`)]);
  const [after] = (await listHolds(store)).filter((x) => x.hold_id === r.holdId);
  if (after === undefined) throw new HoldNotFoundError(r.holdId);
  return after;
}

/**
 * The SQL condition "this events row is held", for the TTL's DELETE WHERE.
 * Per scope: bounded holds as (column, day) pairs, unbounded ones by value;
 * a released hold's id is excluded. Evaluated by the engine at each TTL
 * merge, so holds added later protect rows already stored.
 */
export function heldCondition(t: Tables): string {
  const active = `hold_id NOT IN (SELECT hold_id FROM ${t.legal_hold_releases})`;
  const days = "arrayJoin(arrayMap(i -> from_day + i, range(toUInt32(dateDiff('day', from_day, to_day) + 1))))";
  const byColumn = (scope: HoldScope, column: string) =>
    `(${column}, toDate(occurred_at)) IN (SELECT value, ${days} FROM ${t.legal_holds} WHERE scope = '${scope}' AND bounded AND ${active})` +
    ` OR ${column} IN (SELECT value FROM ${t.legal_holds} WHERE scope = '${scope}' AND NOT bounded AND ${active})`;
  return [
    byColumn("actor", "actor_id"),
    byColumn("host", "host"),
    byColumn("env", "env"),
    `toDate(occurred_at) IN (SELECT ${days} FROM ${t.legal_holds} WHERE scope = 'range' AND ${active})`,
  ].join("\n   OR ");
}

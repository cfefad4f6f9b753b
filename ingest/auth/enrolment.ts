import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { Store } from "../../store/open";
import { defineQuery, insertRows } from "../../store/query";
import { chTimeToIso } from "../../store/event-rows";

/**
 * One-time enrolment tokens (table collector_enrolments, migration 0012).
 * An admin issues one for a collector id (`prodtrail collectors enroll
 * web-01`); the collector presents it once, with its first signing key.
 * Without it, any process that reached the gateway first could register
 * its own key for a collector id, and the real collector got 409.
 *
 * Shown once as `pte_<token_id>_<secret>`; only sha256(secret) is stored
 * (256 random bits: a fast hash is as strong as a slow one here).
 */
const TOKEN = /^pte_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/** 24 h: long enough to roll out a collector the next working day, short enough that a leaked token soon is worthless. */
export const DEFAULT_ENROLMENT_TTL_MS = 24 * 3_600_000;

export const enrolmentTokenSchema = z.string().regex(TOKEN, { message: "must be the pte_… token printed by 'prodtrail collectors enroll <collector_id>'" });

export interface Enrolment {
  tokenId: string;
  collectorId: string;
  createdAt: string;
  createdBy: string;
  expiresAt: string;
  usedAt: string | null;
  usedBy: string;
}

const row = z.object({
  token_id: z.string(),
  collector_id: z.string(),
  secret_sha256: z.string(),
  created_at: z.string().transform(chTimeToIso),
  created_by: z.string(),
  expires_at: z.string().transform(chTimeToIso),
  used_at: z.string().nullable().transform((v) => (v === null ? null : chTimeToIso(v))),
  used_by: z.string(),
  version: z.coerce.number(),
});

const enrolmentQuery = defineQuery({
  name: "collector_enrolments.get",
  params: z.object({ token_id: z.string() }),
  row,
  sql: (t) => `
    SELECT token_id, collector_id, secret_sha256, created_at, created_by, expires_at, used_at, used_by, version
    FROM ${t.collector_enrolments} FINAL
    WHERE token_id = {token_id:String}`,
});

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

export async function createEnrolment(
  store: Store,
  input: { collectorId: string; createdBy: string; ttlMs?: number },
  now = new Date(),
): Promise<{ token: string; enrolment: Enrolment }> {
  const collectorId = z.string().min(1).max(256).parse(input.collectorId);
  const ttlMs = z.number().int().positive().parse(input.ttlMs ?? DEFAULT_ENROLMENT_TTL_MS);
  const tokenId = randomBytes(8).toString("hex");
  const secret = randomBytes(32).toString("base64url");
  const enrolment: Enrolment = {
    tokenId,
    collectorId,
    createdAt: now.toISOString(),
    createdBy: input.createdBy,
    expiresAt: new Date(now.getTime() + ttlMs).toISOString(),
    usedAt: null,
    usedBy: "",
  };
  await insertRows(store, { table: "collector_enrolments", rows: [{ ...toRow(enrolment), secret_sha256: sha256(secret), version: 1 }] });
  return { token: `pte_${tokenId}_${secret}`, enrolment };
}

export type EnrolmentCheck = { ok: true; enrolment: Enrolment } | { ok: false; reason: "malformed" | "unknown" | "other-collector" | "used" | "expired"; enrolment?: Enrolment };

/**
 * Checks `token` for `collectorId` and, when it is good, marks it used (a
 * new version with used_at). The caller serialises calls (the register
 * handler's queue), so one token enrols one key.
 */
export async function useEnrolment(store: Store, token: string, collectorId: string, usedBy: string, now = new Date()): Promise<EnrolmentCheck> {
  const match = TOKEN.exec(token);
  if (!match?.[1] || !match[2]) return { ok: false, reason: "malformed" };
  const [found] = await enrolmentQuery(store, { token_id: match[1] });
  if (!found) return { ok: false, reason: "unknown" };
  const presented = Buffer.from(sha256(match[2]), "hex");
  const expected = Buffer.from(found.secret_sha256, "hex");
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return { ok: false, reason: "unknown" };
  const enrolment = toEnrolment(found);
  if (found.collector_id !== collectorId) return { ok: false, reason: "other-collector", enrolment };
  if (found.used_at !== null) return { ok: false, reason: "used", enrolment };
  if (Date.parse(found.expires_at) <= now.getTime()) return { ok: false, reason: "expired", enrolment };
  const used: Enrolment = { ...enrolment, usedAt: now.toISOString(), usedBy };
  await insertRows(store, { table: "collector_enrolments", rows: [{ ...toRow(used), secret_sha256: found.secret_sha256, version: found.version + 1 }] });
  return { ok: true, enrolment: used };
}

function toEnrolment(r: z.output<typeof row>): Enrolment {
  return { tokenId: r.token_id, collectorId: r.collector_id, createdAt: r.created_at, createdBy: r.created_by, expiresAt: r.expires_at, usedAt: r.used_at, usedBy: r.used_by };
}

function toRow(e: Enrolment) {
  return { token_id: e.tokenId, collector_id: e.collectorId, created_at: e.createdAt, created_by: e.createdBy, expires_at: e.expiresAt, used_at: e.usedAt, used_by: e.usedBy };
}

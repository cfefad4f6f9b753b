import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { chTimeToIso } from "../../store/event-rows";
import type { Store } from "../../store/open";
import { defineQuery, insertRows } from "../../store/query";
import { findUserById, nextVersion, type User } from "./users";

/**
 * Dashboard sessions (table `sessions`, migration 0008).
 *
 * The cookie holds a 256-bit random token; the store keeps its SHA-256 only.
 * Expiry slides: 12 h after the last request (a working day plus overtime),
 * capped at 7 days after sign-in so a stolen cookie kept warm still dies.
 * The sliding write happens at most every 5 minutes per session, not on each
 * request: one row per request would grow the table with every page view.
 */
export const SESSION_COOKIE = "prodtrail_session";
export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;
export const SESSION_ABSOLUTE_MS = 7 * 24 * 60 * 60 * 1000;
export const SESSION_TOUCH_MS = 5 * 60 * 1000;

export type SignInMethod = "password" | "oidc";

export interface Session {
  sessionHash: string;
  /** Short public handle: what audit.view events and admin lists show. */
  sessionId: string;
  userId: string;
  method: SignInMethod;
  createdAt: string;
  expiresAt: string;
  lastSeenAt: string;
  revokedAt: string | null;
  sourceIp: string;
  userAgent: string;
}

const sessionRow = z.object({
  session_hash: z.string(),
  session_id: z.string(),
  user_id: z.string(),
  method: z.enum(["password", "oidc"]),
  created_at: z.string().transform(chTimeToIso),
  expires_at: z.string().transform(chTimeToIso),
  last_seen_at: z.string().transform(chTimeToIso),
  revoked_at: z.string().nullable().transform((v) => (v === null ? null : chTimeToIso(v))),
  source_ip: z.string(),
  user_agent: z.string(),
});

const sessionsQuery = defineQuery({
  name: "sessions.find",
  params: z.object({ session_hash: z.string().default(""), user_id: z.string().default("") }),
  row: sessionRow,
  sql: (t) => `
    SELECT session_hash, session_id, user_id, method, created_at, expires_at, last_seen_at, revoked_at, source_ip, user_agent
    FROM ${t.sessions} FINAL
    WHERE (empty({session_hash:String}) OR session_hash = {session_hash:String})
      AND (empty({user_id:String}) OR user_id = {user_id:String})
    ORDER BY created_at DESC`,
});

const toSession = (r: z.output<typeof sessionRow>): Session => ({
  sessionHash: r.session_hash,
  sessionId: r.session_id,
  userId: r.user_id,
  method: r.method,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  lastSeenAt: r.last_seen_at,
  revokedAt: r.revoked_at,
  sourceIp: r.source_ip,
  userAgent: r.user_agent,
});

const toRow = (s: Session): Record<string, unknown> => ({
  session_hash: s.sessionHash,
  session_id: s.sessionId,
  user_id: s.userId,
  method: s.method,
  created_at: s.createdAt,
  expires_at: s.expiresAt,
  last_seen_at: s.lastSeenAt,
  revoked_at: s.revokedAt,
  source_ip: s.sourceIp,
  user_agent: s.userAgent.slice(0, 512),
  version: nextVersion(),
});

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** Starts a session; the returned token goes into the cookie and nowhere else. */
export async function createSession(
  store: Store,
  input: { userId: string; method: SignInMethod; sourceIp?: string; userAgent?: string; now?: Date },
): Promise<{ token: string; session: Session }> {
  const token = randomBytes(32).toString("base64url");
  const sessionHash = hashToken(token);
  const now = input.now ?? new Date();
  const session: Session = {
    sessionHash,
    sessionId: sessionHash.slice(0, 16),
    userId: input.userId,
    method: input.method,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + SESSION_IDLE_MS).toISOString(),
    lastSeenAt: now.toISOString(),
    revokedAt: null,
    sourceIp: input.sourceIp ?? "",
    userAgent: input.userAgent ?? "",
  };
  await insertRows(store, { table: "sessions", rows: [toRow(session)] });
  return { token, session };
}

export type SessionCheck =
  | { ok: true; session: Session; user: User }
  | { ok: false; reason: "malformed" | "unknown" | "expired" | "revoked" | "user-missing" | "user-disabled" };

/**
 * Resolves a cookie token to its live session and user, sliding the expiry
 * when the last write is older than SESSION_TOUCH_MS. A disabled user's
 * sessions stop working at once, whatever their expiry.
 */
export async function resolveSession(store: Store, token: string, now = new Date()): Promise<SessionCheck> {
  if (!TOKEN.test(token)) return { ok: false, reason: "malformed" };
  const [row] = await sessionsQuery(store, { session_hash: hashToken(token) });
  if (!row) return { ok: false, reason: "unknown" };
  const session = toSession(row);
  if (session.revokedAt !== null) return { ok: false, reason: "revoked" };
  if (Date.parse(session.expiresAt) <= now.getTime()) return { ok: false, reason: "expired" };
  const user = await findUserById(store, session.userId);
  if (!user) return { ok: false, reason: "user-missing" };
  if (user.disabled) return { ok: false, reason: "user-disabled" };
  if (now.getTime() - Date.parse(session.lastSeenAt) >= SESSION_TOUCH_MS) {
    const cap = Date.parse(session.createdAt) + SESSION_ABSOLUTE_MS;
    const touched: Session = {
      ...session,
      lastSeenAt: now.toISOString(),
      expiresAt: new Date(Math.min(now.getTime() + SESSION_IDLE_MS, cap)).toISOString(),
    };
    await insertRows(store, { table: "sessions", rows: [toRow(touched)] });
    return { ok: true, session: touched, user };
  }
  return { ok: true, session, user };
}

/** Ends the session of this token (sign-out). Unknown tokens are ignored: signing out twice is fine. */
export async function revokeSessionByToken(store: Store, token: string): Promise<void> {
  if (!TOKEN.test(token)) return;
  const [row] = await sessionsQuery(store, { session_hash: hashToken(token) });
  if (!row || row.revoked_at !== null) return;
  await insertRows(store, { table: "sessions", rows: [toRow({ ...toSession(row), revokedAt: new Date().toISOString() })] });
}

/** Ends every live session of a user (disable, role change, password reset). Returns how many. */
export async function revokeUserSessions(store: Store, userId: string): Promise<number> {
  const now = Date.now();
  const live = (await sessionsQuery(store, { user_id: userId })).map(toSession).filter((s) => s.revokedAt === null && Date.parse(s.expiresAt) > now);
  const revokedAt = new Date(now).toISOString();
  await insertRows(store, { table: "sessions", rows: live.map((s) => toRow({ ...s, revokedAt })) });
  return live.length;
}

export async function listUserSessions(store: Store, userId: string): Promise<Session[]> {
  return (await sessionsQuery(store, { user_id: userId })).map(toSession);
}

/**
 * Who is asking — for server components, server actions and route handlers.
 *
 *   getViewer(): Promise<Viewer | null>
 *       The signed-in viewer, or null. Never redirects.
 *   requireViewer(): Promise<Viewer>
 *       Pages and server actions. Not signed in → redirect("/signin?next=<this path>").
 *   requireApiViewer(): Promise<Viewer>
 *       Route handlers. Not signed in → throws UnauthorizedError (apiRoute turns it into 401 JSON).
 *   apiRoute(handler: (request: Request, viewer: Viewer, context: C) => Promise<Response>, audit?: AuditAction)
 *       : (request: Request, context: C) => Promise<Response>
 *       Wraps a route handler: 401 JSON when not signed in, 403 JSON on ForbiddenError
 *       (thrown by assertCan in the data layer) — recorded as a refused `audit`
 *       ("view" unless told, "export" for exports) with the path and query —
 *       and verifyCsrf() for every method other than GET/HEAD/OPTIONS (403 JSON when it fails).
 *
 * Permission checks stay in the data layer (assertCan(viewer, …) in every
 * data function); these only establish who the viewer is.
 *
 * A session is looked up in the store at most every CACHE_MS per token: a
 * page with a dozen panels costs one lookup, and a disabled user or revoked
 * session stops working within that time (sign-out and admin changes made
 * in this process clear the entry at once).
 */
import "server-only";
import { cache } from "react";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { resolveSession, hashToken, SESSION_COOKIE } from "../../../server/auth/sessions";
import { recordAudit, type AuditAction } from "../audit";
import { getStore } from "../store";
import { log } from "../log";
import { ForbiddenError, type Viewer } from "./permissions";
import { CsrfError, verifyCsrf } from "./csrf";
import { PATH_HEADER, safeNextPath } from "./next-path";

const CACHE_MS = 5_000;
/**
 * On globalThis, not in this module: Next compiles pages, route handlers and
 * server actions into separate layers, each with its own copy of this
 * module, and a sign-out in the /signout route must clear the entry the
 * pages read (the e2e test caught a signed-out cookie still working for 5 s).
 */
const CACHE_KEY = Symbol.for("prodtrail.viewer-cache");
function viewerCacheMap(): Map<string, { at: number; viewer: Viewer | null }> {
  const existing: unknown = Reflect.get(globalThis, CACHE_KEY);
  if (existing instanceof Map) return existing;
  const created = new Map<string, { at: number; viewer: Viewer | null }>();
  Reflect.set(globalThis, CACHE_KEY, created);
  return created;
}

export class UnauthorizedError extends Error {
  constructor() {
    super("sign in first: this endpoint needs a dashboard session (cookie prodtrail_session)");
    this.name = "UnauthorizedError";
  }
}

/** Forget cached sessions: one token (sign-out) or all (an admin changed a user). */
export function forgetCachedSessions(token?: string): void {
  const cache = viewerCacheMap();
  if (token === undefined) cache.clear();
  else cache.delete(hashToken(token));
}

export async function viewerForToken(token: string): Promise<Viewer | null> {
  const key = hashToken(token);
  const viewerCache = viewerCacheMap();
  const hit = viewerCache.get(key);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.viewer;
  const check = await resolveSession(getStore(), token);
  const viewer: Viewer | null = check.ok
    ? { userId: check.user.userId, email: check.user.email, name: check.user.name, role: check.user.role, sessionId: check.session.sessionId }
    : null;
  if (!check.ok && check.reason !== "malformed" && check.reason !== "unknown") log.info({ reason: check.reason }, "session refused");
  if (viewerCache.size > 10_000) viewerCache.clear();
  viewerCache.set(key, { at: Date.now(), viewer });
  return viewer;
}

/** Once per request (React cache), whatever the number of callers in the tree. */
export const getViewer = cache(async (): Promise<Viewer | null> => {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!token) return null;
  return viewerForToken(token);
});

export async function requireViewer(): Promise<Viewer> {
  const viewer = await getViewer();
  if (viewer) return viewer;
  const here = safeNextPath((await headers()).get(PATH_HEADER));
  redirect(here === "/" ? "/signin" : `/signin?next=${encodeURIComponent(here)}`);
}

export async function requireApiViewer(): Promise<Viewer> {
  const viewer = await getViewer();
  if (!viewer) throw new UnauthorizedError();
  return viewer;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function json(status: number, error: string): Response {
  return Response.json({ error }, { status, headers: { "cache-control": "no-store" } });
}

export function apiRoute<C>(
  handler: (request: Request, viewer: Viewer, context: C) => Promise<Response>,
  audit: AuditAction = "view",
): (request: Request, context: C) => Promise<Response> {
  return async (request, context) => {
    let viewer: Viewer | undefined;
    try {
      if (!SAFE_METHODS.has(request.method)) verifyCsrf(request);
      viewer = await requireApiViewer();
      return await handler(request, viewer, context);
    } catch (error) {
      if (error instanceof UnauthorizedError) return json(401, error.message);
      if (error instanceof ForbiddenError && viewer) {
        await recordRefusal(viewer, request, audit, error.message);
        return json(403, error.message);
      }
      if (error instanceof CsrfError) return json(403, error.message);
      throw error;
    }
  };
}

/** A refused request of a signed-in person, on the record with what it asked for (issue #9: 403 exports left no trace). */
async function recordRefusal(viewer: Viewer, request: Request, action: AuditAction, reason: string): Promise<void> {
  const url = new URL(request.url);
  const params = Object.fromEntries([...url.searchParams].slice(0, 30).map(([k, v]) => [k.slice(0, 64), v.slice(0, 200)]));
  await recordAudit(viewer, { action, resource: url.pathname, params, refused: reason });
}

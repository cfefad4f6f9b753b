import "server-only";
import { acceptanceEvent, locateAcceptableEdit } from "../../../drift/accept";
import { buildPatch, type Patch } from "../../../drift/patch";
import { unmanagedByPath, type UnmanagedFilters, type UnmanagedGroup } from "../../../drift/unmanaged";
import { backportLagSeries, driftSummary, getDriftEdit, listDrift, type DriftEvidence, type DriftFilters, type DriftRow } from "../../../drift/queries";
import type { Store } from "../../../store/open";
import { sharedAuthRuntime } from "../../../server/auth/runtime";
import { assertCan, type Viewer } from "../auth/permissions";

/**
 * The Direct edits page's data, and the overview tile and trends series the
 * other pages place. Viewer first, permission checked before the store is
 * touched. Accepting an edit publishes an audited acceptance event through
 * the same sink as every other event; the drift job applies it on its next
 * run (drift.interval_seconds, 60 s by default).
 */
export async function driftEdits(viewer: Viewer, store: Store, filters: DriftFilters): Promise<DriftRow[]> {
  assertCan(viewer, "drift:read");
  return listDrift(store, filters);
}

export async function driftEdit(viewer: Viewer, store: Store, changeEventId: string): Promise<DriftEvidence | undefined> {
  assertCan(viewer, "drift:read");
  return getDriftEdit(store, changeEventId);
}

/** Overview tile "open direct edits": counts only (viewers may see aggregates). */
export async function openDirectEditsTile(viewer: Viewer, store: Store, env = ""): Promise<{ open: number; unmanaged: number; byState: Array<{ state: string; edits: number }> }> {
  assertCan(viewer, "aggregates:read");
  const s = await driftSummary(store, env);
  return { open: s.open, unmanaged: s.unmanaged, byState: s.byState.map(({ state, edits }) => ({ state, edits })) };
}

/** Trends "edit-to-backport time": per day of backport, median and p90 lag in hours. */
export async function editToBackportSeries(viewer: Viewer, store: Store, range: { from: string; to: string; env?: string }) {
  assertCan(viewer, "aggregates:read");
  const rows = await backportLagSeries(store, range);
  return rows.map((r) => ({ day: r.day, backports: r.backports, median_h: r.median_lag_s / 3600, p90_h: r.p90_lag_s / 3600 }));
}

export interface AcceptRequest {
  changeEventId: string;
  ticket: string;
  note: string;
}

/** Needs drift:accept (checked here, on the server); only an edit that needs attention; resolves once the acceptance event is durable. */
export async function acceptDriftEdit(viewer: Viewer, store: Store, request: AcceptRequest): Promise<{ eventId: string; was: string }> {
  assertCan(viewer, "drift:accept");
  const where = await locateAcceptableEdit(store, request.changeEventId);
  const event = acceptanceEvent({
    changeEventId: request.changeEventId,
    ticket: request.ticket,
    note: request.note,
    actorId: viewer.email,
    attributionMethod: "dashboard-session",
    sessionId: viewer.sessionId,
    channel: "dashboard",
    host: where.host,
    env: where.env,
  });
  await sharedAuthRuntime().sink.publish([event]);
  return { eventId: event.event_id, was: where.state };
}

/** The backport patch of one edit (drift/patch.ts), for the Direct edits page's download. Needs drift:read. */
export async function driftPatch(viewer: Viewer, store: Store, changeEventId: string): Promise<Patch> {
  assertCan(viewer, "drift:read");
  return buildPatch(store, undefined, changeEventId);
}

/** Unmanaged changes grouped by path, one page (never row by row). Needs drift:read. */
export async function unmanagedGroups(viewer: Viewer, store: Store, filters: UnmanagedFilters): Promise<{ groups: UnmanagedGroup[]; totalPaths: number }> {
  assertCan(viewer, "drift:read");
  return unmanagedByPath(store, filters);
}

import { z } from "zod";
import { addHold, HOLD_SCOPES, listHolds, releaseHold, type LegalHold } from "../../../store/legal-holds";
import type { Store } from "../../../store/open";
import { currentRetention, type AppliedRetention } from "../../../store/retention";
import { assertCan, type Viewer } from "./permissions";

/**
 * Retention and legal holds on the admin page: `admin:manage` first, like
 * every admin function. Holds are written with the viewer's dashboard
 * session as attribution; store/legal-holds.ts records each as a
 * server-only audit event.
 */
export async function adminRetention(viewer: Viewer, store: Store): Promise<{ retention: AppliedRetention; holds: LegalHold[] }> {
  assertCan(viewer, "admin:manage");
  const [retention, holds] = await Promise.all([currentRetention(store), listHolds(store)]);
  return { retention, holds };
}

export async function adminAddHold(viewer: Viewer, store: Store, input: { scope: string; value: string; from: string; to: string; reason: string }): Promise<LegalHold> {
  assertCan(viewer, "admin:manage");
  const scope = z.enum(HOLD_SCOPES, { message: `scope must be one of ${HOLD_SCOPES.join(", ")}` }).parse(input.scope);
  return addHold(store, {
    scope,
    value: input.value.trim(),
    ...(input.from !== "" ? { from: input.from } : {}),
    ...(input.to !== "" ? { to: input.to } : {}),
    reason: input.reason,
    setBy: viewer.email,
    attributionMethod: "dashboard-session",
    sessionId: viewer.sessionId,
  });
}

export async function adminReleaseHold(viewer: Viewer, store: Store, input: { holdId: string; reason: string }): Promise<LegalHold> {
  assertCan(viewer, "admin:manage");
  return releaseHold(store, { holdId: input.holdId, reason: input.reason, releasedBy: viewer.email, attributionMethod: "dashboard-session", sessionId: viewer.sessionId });
}

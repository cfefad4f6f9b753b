import type { AuditEvent } from "../../../schemas";
import { makeEvent } from "../../../test/factories/events";
import type { Viewer } from "../auth/permissions";
import type { Filters } from "../filters/schema";

/** Shared by the data-layer tests: viewers of each role and filters over a fixed window. */
export const viewerOf = (role: Viewer["role"]): Viewer => ({ userId: `u-${role}`, email: `${role}@example.com`, name: role, role, sessionId: `s-${role}` });

export const WINDOW = { from: "2026-01-10T00:00:00.000Z", to: "2026-01-11T00:00:00.000Z" };

export function filters(overrides: Partial<Filters> = {}): Filters {
  return { range: null, ...WINDOW, q: "", env: [], service: [], host: [], actor: [], team: [], channel: [], type: [], ...overrides };
}

/** An event at `minute` minutes into the window. */
export function at(minute: number, overrides: Partial<Record<string, unknown>> & { type?: AuditEvent["type"] } = {}): AuditEvent {
  return makeEvent({ occurred_at: new Date(Date.parse(WINDOW.from) + minute * 60_000).toISOString(), env: "prod", ...overrides });
}

import { configSchema } from "../../config/schema";
import { createLogger } from "../../lib/log";
import type { AuditEvent } from "../../schemas";
import { eventsByIdQuery } from "../../store/events";
import type { Store } from "../../store/open";

/**
 * Shared by the gateway's tests: each starts the real `prodtrail serve`
 * listener (without Next) on an ephemeral loopback port over its own
 * database of the real embedded engine.
 */
export const testLog = createLogger("gateway-test", "silent");
export const testConfig = configSchema.parse({ server: { host: "127.0.0.1", port: 0 } });

export function postBatch(baseUrl: string, body: string, contentType = "application/json"): Promise<Response> {
  return fetch(`${baseUrl}/api/v1/events`, { method: "POST", headers: { "content-type": contentType }, body });
}

/** Which of these events the store holds, by id, sorted. */
export async function storedIds(store: Store, events: readonly AuditEvent[]): Promise<string[]> {
  return (await eventsByIdQuery(store, { ids: events.map((e) => e.event_id) })).map((e) => e.event_id).sort();
}

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestStore, type TestStore } from "../../../test/store";
import { adminAddHold, adminReleaseHold, adminRetention } from "./retention-admin";
import { ForbiddenError, type Viewer } from "./permissions";

const admin: Viewer = { userId: "u1", email: "admin@example.com", name: "Admin", role: "admin", sessionId: "sess-1" };
const viewer: Viewer = { ...admin, userId: "u2", email: "v@example.com", role: "viewer", sessionId: "sess-2" };

describe("retention on the admin page's data layer", () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore();
  });
  afterAll(async () => store.drop());

  it("refuses anyone without admin:manage, for reading and for changing", async () => {
    await expect(adminRetention(viewer, store)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(adminAddHold(viewer, store, { scope: "host", value: "db-1", from: "", to: "", reason: "matter 1" })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(adminReleaseHold(viewer, store, { holdId: "x", reason: "done" })).rejects.toBeInstanceOf(ForbiddenError);
  });

  it("records a hold set and released by an admin with the dashboard session, and names a bad scope", async () => {
    const hold = await adminAddHold(admin, store, { scope: "host", value: "db-1", from: "", to: "", reason: "matter 1" });
    expect(hold).toMatchObject({ scope: "host", value: "db-1", from: null, set_by: "admin@example.com" });
    await adminReleaseHold(admin, store, { holdId: hold.hold_id, reason: "matter closed" });
    const { holds, retention } = await adminRetention(admin, store);
    expect(holds[0]?.released?.by).toBe("admin@example.com");
    expect(retention.applied).toBeNull();
    const r = await store.client.query({ query: `SELECT resource, session_id, attribution_method FROM ${store.tables.events} WHERE category = 'audit' ORDER BY resource`, format: "JSONEachRow" });
    expect(await r.json()).toEqual([
      { resource: `retention:hold:${hold.hold_id}`, session_id: "sess-1", attribution_method: "dashboard-session" },
      { resource: `retention:release:${hold.hold_id}`, session_id: "sess-1", attribution_method: "dashboard-session" },
    ]);
    await expect(adminAddHold(admin, store, { scope: "everything", value: "", from: "", to: "", reason: "x y z" })).rejects.toThrow(/scope must be one of actor, host, env, range/);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuditEvent } from "../../../schemas";
import type { Sink } from "../../../collect/sink";
import { StoreSink } from "../../../ingest/gateway/store-sink";
import { checkToken, cachedKeyLookup } from "../../../ingest/auth/api-keys";
import { SignInRateLimiter } from "../../../server/auth/rate-limit";
import { publishAuthRuntime } from "../../../server/auth/runtime";
import { signInWithPassword } from "../../../server/auth/sign-in";
import { createSession, resolveSession } from "../../../server/auth/sessions";
import { createUser } from "../../../server/auth/users";
import { openTestStore, type TestStore } from "../../../test/store";
import {
  AdminRuleError, adminCreateKey, adminCreateUser, adminEndSessions, adminListKeys, adminListUsers, adminRevokeKey, adminSetDisabled,
  adminSetPassword, adminSetRole,
} from "./admin";
import { ForbiddenError, type Role, type Viewer } from "./permissions";

let store: TestStore;
/** The real StoreSink, counting what passes through it: audit events must take the pipeline's path. */
const published: AuditEvent[] = [];
let sink: Sink;

beforeAll(async () => {
  store = await openTestStore();
  const inner = new StoreSink(store);
  sink = { name: "counting-store", publish: async (events) => { published.push(...events); await inner.publish(events); }, close: async () => {} };
  publishAuthRuntime({ sink });
});
afterAll(async () => {
  publishAuthRuntime(undefined);
  await store?.drop();
});

async function viewerWithRole(role: Role): Promise<Viewer> {
  const user = await createUser(store, { email: `${role}-${Math.random().toString(36).slice(2)}@example.com`, role, createdBy: "test" });
  const { session } = await createSession(store, { userId: user.userId, method: "password" });
  return { userId: user.userId, email: user.email, name: user.name, role, sessionId: session.sessionId };
}

describe("admin data functions", () => {
  it("refuse viewers and analysts on every function", async () => {
    for (const role of ["viewer", "analyst"] as const) {
      const v = await viewerWithRole(role);
      await expect(adminListUsers(v, store)).rejects.toBeInstanceOf(ForbiddenError);
      await expect(adminCreateUser(v, store, { email: "x@example.com", role: "admin" })).rejects.toBeInstanceOf(ForbiddenError);
      await expect(adminSetRole(v, store, v.userId, "admin")).rejects.toBeInstanceOf(ForbiddenError);
      await expect(adminSetDisabled(v, store, v.userId, true)).rejects.toBeInstanceOf(ForbiddenError);
      await expect(adminListKeys(v, store)).rejects.toBeInstanceOf(ForbiddenError);
      await expect(adminCreateKey(v, store, { name: "k" })).rejects.toBeInstanceOf(ForbiddenError);
      await expect(adminRevokeKey(v, store, "0000000000000000")).rejects.toBeInstanceOf(ForbiddenError);
      await expect(adminSetPassword(v, store, v.userId, "a new password 1")).rejects.toBeInstanceOf(ForbiddenError);
      await expect(adminEndSessions(v, store, v.userId)).rejects.toBeInstanceOf(ForbiddenError);
    }
    // Nothing was created by the refused calls.
    expect((await adminListUsers(await viewerWithRole("admin"), store)).some((u) => u.email === "x@example.com")).toBe(false);
  });

  it("let an admin manage users, and audit every change through the sink", async () => {
    const admin = await viewerWithRole("admin");
    const before = published.length;
    const made = await adminCreateUser(admin, store, { email: "New.Person@example.com", role: "viewer", password: "a good password 1" });
    expect(made).toMatchObject({ email: "new.person@example.com", role: "viewer", hasPassword: true });
    expect(made).not.toHaveProperty("passwordHash");
    await adminSetRole(admin, store, made.userId, "analyst");
    const { token } = await createSession(store, { userId: made.userId, method: "password" });
    await adminSetDisabled(admin, store, made.userId, true);
    expect(await resolveSession(store, token)).toEqual({ ok: false, reason: "revoked" });
    const listed = (await adminListUsers(admin, store)).find((u) => u.userId === made.userId);
    expect(listed).toMatchObject({ role: "analyst", disabled: true });

    const mine = published.slice(before);
    expect(mine.map((e) => e.command)).toEqual([
      expect.stringContaining("op=create-user"),
      expect.stringContaining("from=viewer op=set-role to=analyst"),
      expect.stringContaining("op=disable-user sessions_ended=1"),
    ]);
    for (const e of mine) expect(e).toMatchObject({ type: "audit.view", actor_id: admin.email, session_id: admin.sessionId, channel: "dashboard" });
    // And they are in the events table, like any collector's event.
    const rows = await store.client.query({
      query: `SELECT toString(count()) AS n FROM ${store.tables.events} WHERE type = 'audit.view' AND actor_id = {a:String}`,
      query_params: { a: admin.email },
      format: "JSONEachRow",
    });
    expect(await rows.json()).toEqual([{ n: "3" }]);
  });

  it("let an admin reset a password or sign a user out everywhere, ending their sessions", async () => {
    const admin = await viewerWithRole("admin");
    const other = await viewerWithRole("analyst");
    const { token } = await createSession(store, { userId: other.userId, method: "password" });
    expect(await adminEndSessions(admin, store, other.userId)).toBe(2);
    expect(await resolveSession(store, token)).toEqual({ ok: false, reason: "revoked" });
    const again = await createSession(store, { userId: other.userId, method: "password" });
    await expect(adminSetPassword(admin, store, other.userId, "short")).rejects.toThrow(/at least 12/);
    await expect(adminSetPassword(admin, store, other.userId, "aaaaaaaaaaaa")).rejects.toThrow(/too easy to guess/);
    await expect(adminCreateUser(admin, store, { email: "weak@example.com", role: "viewer", password: "password1234" })).rejects.toThrow(/too easy to guess/);
    const updated = await adminSetPassword(admin, store, other.userId, "a brand new password");
    expect(updated.hasPassword).toBe(true);
    expect(await resolveSession(store, again.token)).toEqual({ ok: false, reason: "revoked" });
    expect(await signInWithPassword(store, new SignInRateLimiter(), { email: other.email, password: "a brand new password", sourceIp: "", userAgent: "" })).toMatchObject({ ok: true });
    expect(published.at(-1)?.command).toContain("op=set-password");
  });

  it("will not remove the last enabled admin", async () => {
    const solo = await openTestStore();
    const previous = store;
    try {
      store = solo;
      const admin = await viewerWithRole("admin");
      await expect(adminSetRole(admin, solo, admin.userId, "viewer")).rejects.toBeInstanceOf(AdminRuleError);
      await expect(adminSetDisabled(admin, solo, admin.userId, true)).rejects.toThrow(/last enabled admin/);
      const second = await viewerWithRole("admin");
      await adminSetRole(admin, solo, second.userId, "analyst");
      await expect(adminSetRole(admin, solo, admin.userId, "viewer")).rejects.toBeInstanceOf(AdminRuleError);
    } finally {
      store = previous;
      await solo.drop();
    }
  });

  it("let an admin create a collector key (token once, working) and revoke it", async () => {
    const admin = await viewerWithRole("admin");
    const { token, info } = await adminCreateKey(admin, store, { name: "web-01", scopes: ["events:write"] });
    const lookup = cachedKeyLookup(store, 0);
    expect(await checkToken(token, "events:write", lookup)).toMatchObject({ ok: true });
    expect(JSON.stringify(await adminListKeys(admin, store))).not.toContain(token.split("_")[2]);
    await adminRevokeKey(admin, store, info.keyId);
    expect(await checkToken(token, "events:write", lookup)).toEqual({ ok: false, reason: "revoked" });
    await expect(adminCreateKey(admin, store, { name: "x", scopes: ["root"] })).rejects.toThrow(/scopes are/);
    expect(published.at(-1)).toMatchObject({ type: "audit.view", resource: "/admin/keys" });
  });
});

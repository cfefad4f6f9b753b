import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestStore, type TestStore } from "../../test/store";
import { ensureInitialAdmin, InitialAdminError } from "./initial-admin";
import { SignInRateLimiter } from "./rate-limit";
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS, createSession, hashToken, listUserSessions, resolveSession, revokeSessionByToken, revokeUserSessions } from "./sessions";
import { signInWithPassword } from "./sign-in";
import { UserExistsError, createUser, findUserByEmail, listUsers, updateUser } from "./users";

let store: TestStore;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(async () => store?.drop());

const HOUR = 60 * 60 * 1000;
let n = 0;
const email = () => `user${++n}-${Date.now()}@example.com`;

describe("users", () => {
  it("keeps emails unique (case-insensitively) and stores no plain password", async () => {
    const e = email();
    const user = await createUser(store, { email: e.toUpperCase(), role: "analyst", password: "a long password 1", createdBy: "test" });
    expect(user.email).toBe(e);
    await expect(createUser(store, { email: e, role: "viewer", createdBy: "test" })).rejects.toBeInstanceOf(UserExistsError);
    const raw = await store.client.query({ query: `SELECT * FROM ${store.tables.users}`, format: "JSONEachRow" });
    expect(JSON.stringify(await raw.json())).not.toContain("a long password 1");
  });

  it("applies changes as new versions; the latest wins", async () => {
    const user = await createUser(store, { email: email(), role: "viewer", createdBy: "test" });
    await updateUser(store, user.userId, { role: "analyst" }, "test");
    await updateUser(store, user.userId, { disabled: true }, "test");
    const after = await findUserByEmail(store, user.email);
    expect(after).toMatchObject({ role: "analyst", disabled: true });
  });
});

describe("password sign-in and sessions", () => {
  it("signs in with the right password and refuses the wrong one, the unknown email and the disabled user alike", async () => {
    const limiter = new SignInRateLimiter();
    const e = email();
    const user = await createUser(store, { email: e, role: "analyst", password: "right password 42", createdBy: "test" });
    const client = { sourceIp: "127.0.0.1", userAgent: "vitest" };
    const ok = await signInWithPassword(store, limiter, { email: e, password: "right password 42", ...client });
    expect(ok.ok).toBe(true);
    if (!ok.ok) return;
    expect(ok.token).toMatch(/^[\w-]{43}$/);
    expect(ok.session.sessionHash).toBe(hashToken(ok.token));
    const check = await resolveSession(store, ok.token);
    expect(check).toMatchObject({ ok: true, user: { email: e, role: "analyst" } });

    expect(await signInWithPassword(store, limiter, { email: e, password: "wrong password 42", ...client })).toEqual({ ok: false, reason: "invalid" });
    expect(await signInWithPassword(store, limiter, { email: email(), password: "right password 42", ...client })).toEqual({ ok: false, reason: "invalid" });
    await updateUser(store, user.userId, { disabled: true }, "test");
    expect(await signInWithPassword(store, limiter, { email: e, password: "right password 42", ...client })).toEqual({ ok: false, reason: "invalid" });
    // A disabled user's existing session stops working too.
    expect(await resolveSession(store, ok.token)).toEqual({ ok: false, reason: "user-disabled" });
  });

  it("locks out after 10 failures even with the right password, then reports the wait", async () => {
    const limiter = new SignInRateLimiter();
    const e = email();
    await createUser(store, { email: e, role: "viewer", password: "right password 42", createdBy: "test" });
    const client = { sourceIp: "10.1.2.3", userAgent: "vitest" };
    for (let i = 0; i < 10; i++) await signInWithPassword(store, limiter, { email: e, password: `wrong ${i} password`, ...client });
    const locked = await signInWithPassword(store, limiter, { email: e, password: "right password 42", ...client });
    expect(locked).toMatchObject({ ok: false, reason: "locked" });
    expect(await signInWithPassword(store, limiter, { email: e, password: "right password 42", sourceIp: "10.1.2.4", userAgent: "" })).toMatchObject({ ok: true });
  });

  it("expires a session 12 hours after its last use", async () => {
    const user = await createUser(store, { email: email(), role: "viewer", createdBy: "test" });
    const start = new Date(Date.now() - 13 * HOUR);
    const { token } = await createSession(store, { userId: user.userId, method: "password", now: start });
    expect(await resolveSession(store, token)).toEqual({ ok: false, reason: "expired" });
    expect(await resolveSession(store, token, new Date(start.getTime() + SESSION_IDLE_MS - 1000))).toMatchObject({ ok: true });
  });

  it("slides the expiry with use, up to the 7-day cap", async () => {
    const user = await createUser(store, { email: email(), role: "viewer", createdBy: "test" });
    const t0 = Date.now() - 8 * 24 * HOUR;
    const { token } = await createSession(store, { userId: user.userId, method: "password", now: new Date(t0) });
    let t = t0;
    let lastExpiry = 0;
    while (t + 11 * HOUR < t0 + SESSION_ABSOLUTE_MS) {
      t += 11 * HOUR;
      const check = await resolveSession(store, token, new Date(t));
      expect(check.ok).toBe(true);
      if (check.ok) lastExpiry = Date.parse(check.session.expiresAt);
    }
    expect(lastExpiry).toBe(t0 + SESSION_ABSOLUTE_MS);
    expect(await resolveSession(store, token, new Date(t0 + SESSION_ABSOLUTE_MS + 1))).toEqual({ ok: false, reason: "expired" });
  });

  it("revokes one session on sign-out and every session of a user on demand", async () => {
    const user = await createUser(store, { email: email(), role: "viewer", createdBy: "test" });
    const a = await createSession(store, { userId: user.userId, method: "password" });
    const b = await createSession(store, { userId: user.userId, method: "oidc" });
    const c = await createSession(store, { userId: user.userId, method: "password" });
    await revokeSessionByToken(store, a.token);
    await revokeSessionByToken(store, a.token); // twice is fine
    expect(await resolveSession(store, a.token)).toEqual({ ok: false, reason: "revoked" });
    expect(await resolveSession(store, b.token)).toMatchObject({ ok: true });
    expect(await revokeUserSessions(store, user.userId)).toBe(2);
    expect(await resolveSession(store, b.token)).toEqual({ ok: false, reason: "revoked" });
    expect(await resolveSession(store, c.token)).toEqual({ ok: false, reason: "revoked" });
    expect((await listUserSessions(store, user.userId)).every((s) => s.revokedAt !== null)).toBe(true);
  });

  it("refuses malformed and unknown tokens without touching anything", async () => {
    expect(await resolveSession(store, "nope")).toEqual({ ok: false, reason: "malformed" });
    expect(await resolveSession(store, "A".repeat(43))).toEqual({ ok: false, reason: "unknown" });
  });
});

describe("initial admin", () => {
  it("is created once, on an empty users table, with a generated password that works", async () => {
    const fresh = await openTestStore();
    try {
      const first = await ensureInitialAdmin(fresh, {});
      expect(first).toMatchObject({ created: true, email: "admin@localhost", passwordGenerated: true });
      if (!first.created) return;
      expect(await ensureInitialAdmin(fresh, {})).toEqual({ created: false });
      expect(await listUsers(fresh)).toHaveLength(1);
      const signIn = await signInWithPassword(fresh, new SignInRateLimiter(), { email: "admin@localhost", password: first.password, sourceIp: "127.0.0.1", userAgent: "" });
      expect(signIn).toMatchObject({ ok: true, user: { role: "admin" } });
    } finally {
      await fresh.drop();
    }
  });

  it("takes email and password from the environment, and refuses a weak one", async () => {
    const fresh = await openTestStore();
    try {
      await expect(ensureInitialAdmin(fresh, { PRODTRAIL_ADMIN_PASSWORD: "short" })).rejects.toBeInstanceOf(InitialAdminError);
      await expect(ensureInitialAdmin(fresh, { PRODTRAIL_ADMIN_PASSWORD: "aaaaaaaaaaaa" })).rejects.toThrow(/PRODTRAIL_ADMIN_PASSWORD: the password is too easy to guess/);
      const made = await ensureInitialAdmin(fresh, { PRODTRAIL_ADMIN_EMAIL: "Root@Example.com", PRODTRAIL_ADMIN_PASSWORD: "from the env 123" });
      expect(made).toEqual({ created: true, email: "root@example.com", password: "from the env 123", passwordGenerated: false });
    } finally {
      await fresh.drop();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestStore, type TestStore } from "../../test/store";
import { AttemptLedger } from "./attempt-ledger";
import { SignInRateLimiter } from "./rate-limit";
import { StoreBackedLimiter } from "./shared-limiter";
import { signInWithPassword, type SignInResult } from "./sign-in";
import { createUser } from "./users";

/**
 * The limit shared through the store (scale mode: several dashboard
 * processes, one store). Each "process" here is its own in-memory limiter
 * over the same store, as two dashboards would be; without the ledger each
 * would allow 10, so 20 passwords would be checked.
 */
let store: TestStore;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(async () => store?.drop());

const RIGHT = "right password 42";
let n = 0;
const freshEmail = () => `shared${++n}-${Date.now()}@example.com`;
const checked = (results: SignInResult[]) => results.filter((r) => !r.ok && r.reason === "invalid").length;
const dashboard = () => new StoreBackedLimiter(new SignInRateLimiter(), new AttemptLedger(store));

describe("sign-in limit shared by dashboards on one store", () => {
  it("100 guesses split across two dashboards, the right one at #90: nobody signs in and at most 10 passwords are checked", async () => {
    const email = freshEmail();
    await createUser(store, { email, role: "admin", password: RIGHT, createdBy: "test" });
    const processes = [dashboard(), dashboard()];
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        signInWithPassword(store, processes[i % 2]!, { email, password: i === 89 ? RIGHT : `wrong guess ${i}`, sourceIp: "198.51.100.7", userAgent: "vitest" }),
      ),
    );
    expect(results.filter((r) => r.ok)).toEqual([]);
    expect(checked(results)).toBeGreaterThan(0);
    expect(checked(results)).toBeLessThanOrEqual(10);
  });

  it("holds across a restart: a new process still refuses after 10 failures, then a success elsewhere clears the pair", async () => {
    const email = freshEmail();
    await createUser(store, { email, role: "viewer", password: RIGHT, createdBy: "test" });
    const client = { sourceIp: "198.51.100.8", userAgent: "vitest" };
    const before = dashboard();
    for (let i = 0; i < 10; i++) expect(await signInWithPassword(store, before, { email, password: `wrong ${i} guess`, ...client })).toMatchObject({ reason: "invalid" });
    const restarted = dashboard();
    const locked = await signInWithPassword(store, restarted, { email, password: RIGHT, ...client });
    expect(locked).toMatchObject({ ok: false, reason: "locked" });
    if (!locked.ok && locked.reason === "locked") expect(locked.retryAfterMs).toBeGreaterThan(14 * 60_000);
    // From another address the person still gets in, and that does not unlock the guessing address.
    expect(await signInWithPassword(store, restarted, { email, password: RIGHT, sourceIp: "198.51.100.9", userAgent: "" })).toMatchObject({ ok: true });
    expect(await signInWithPassword(store, dashboard(), { email, password: RIGHT, ...client })).toMatchObject({ reason: "locked" });
  });
});

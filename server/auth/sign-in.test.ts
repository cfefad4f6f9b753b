import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestStore, type TestStore } from "../../test/store";
import { SignInRateLimiter } from "./rate-limit";
import { signInWithPassword, type SignInResult } from "./sign-in";
import { createUser } from "./users";

/**
 * The sign-in limit under concurrency: the attack of issue #9 sent 100
 * guesses at once, and every one was checked before any failure was
 * recorded. "invalid" means a password was checked (an unknown email is
 * checked against the dummy hash, so it costs the same); "locked" means it
 * was refused before any check.
 */
let store: TestStore;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(async () => store?.drop());

const RIGHT = "right password 42";
let n = 0;
const freshEmail = () => `parallel${++n}-${Date.now()}@example.com`;
const checked = (results: SignInResult[]) => results.filter((r) => !r.ok && r.reason === "invalid").length;

describe("sign-in limit under parallel attempts", () => {
  it("100 guesses at once with the right password at #90: nobody signs in and at most 10 passwords are checked", async () => {
    const email = freshEmail();
    await createUser(store, { email, role: "admin", password: RIGHT, createdBy: "test" });
    const limiter = new SignInRateLimiter();
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        signInWithPassword(store, limiter, { email, password: i === 89 ? RIGHT : `wrong guess ${i}`, sourceIp: "203.0.113.7", userAgent: "vitest" }),
      ),
    );
    expect(results.filter((r) => r.ok)).toEqual([]);
    expect(results[89]).toMatchObject({ ok: false, reason: "locked" });
    expect(checked(results)).toBe(10);
  });

  it("one address spraying many emails at once is held to the per-address limit", async () => {
    const limiter = new SignInRateLimiter({ perPair: 10, perIp: 25, windowMs: 15 * 60_000 });
    const results = await Promise.all(
      Array.from({ length: 60 }, () => signInWithPassword(store, limiter, { email: freshEmail(), password: "some guess 1234", sourceIp: "203.0.113.8", userAgent: "vitest" })),
    );
    expect(checked(results)).toBe(25);
    expect(results.filter((r) => !r.ok && r.reason === "locked")).toHaveLength(35);
  });

  it("a success in the batch still clears the pair, so the person can sign in again later", async () => {
    const email = freshEmail();
    await createUser(store, { email, role: "viewer", password: RIGHT, createdBy: "test" });
    const limiter = new SignInRateLimiter();
    const client = { sourceIp: "203.0.113.9", userAgent: "vitest" };
    const batch = await Promise.all([RIGHT, "wrong one 1", "wrong one 2"].map((password) => signInWithPassword(store, limiter, { email, password, ...client })));
    expect(batch[0]).toMatchObject({ ok: true });
    for (let i = 0; i < 9; i++) await signInWithPassword(store, limiter, { email, password: `wrong again ${i}`, ...client });
    expect(await signInWithPassword(store, limiter, { email, password: RIGHT, ...client })).toMatchObject({ ok: true });
  });
});

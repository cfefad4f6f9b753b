import { describe, expect, it } from "vitest";
import { SignInRateLimiter } from "./rate-limit";

function limiter() {
  let now = 1_000_000;
  const l = new SignInRateLimiter({ perPair: 10, perIp: 25, windowMs: 15 * 60_000, now: () => now });
  return { l, advance: (ms: number) => (now += ms) };
}

describe("sign-in rate limit", () => {
  it("locks an IP+email pair after 10 failures and says for how long", () => {
    const { l } = limiter();
    for (let i = 0; i < 10; i++) {
      expect(l.check("10.0.0.1", "a@x").allowed).toBe(true);
      l.recordFailure("10.0.0.1", "a@x");
    }
    const check = l.check("10.0.0.1", "A@X ");
    expect(check).toEqual({ allowed: false, retryAfterMs: 15 * 60_000 });
    // Another email from the same address, and the same email from another address, are not locked.
    expect(l.check("10.0.0.1", "b@x").allowed).toBe(true);
    expect(l.check("10.0.0.2", "a@x").allowed).toBe(true);
  });

  it("unlocks once the oldest failure leaves the 15-minute window", () => {
    const { l, advance } = limiter();
    for (let i = 0; i < 10; i++) {
      l.recordFailure("10.0.0.1", "a@x");
      advance(60_000);
    }
    expect(l.check("10.0.0.1", "a@x").allowed).toBe(false);
    advance(5 * 60_000 + 1);
    expect(l.check("10.0.0.1", "a@x").allowed).toBe(true);
  });

  it("limits one address spraying many emails", () => {
    const { l } = limiter();
    for (let i = 0; i < 25; i++) l.recordFailure("10.0.0.9", `user${i}@x`);
    expect(l.check("10.0.0.9", "fresh@x").allowed).toBe(false);
    expect(l.check("10.0.0.8", "fresh@x").allowed).toBe(true);
  });

  it("clears a pair's failures on success", () => {
    const { l } = limiter();
    for (let i = 0; i < 9; i++) l.recordFailure("10.0.0.1", "a@x");
    l.recordSuccess("10.0.0.1", "a@x");
    l.recordFailure("10.0.0.1", "a@x");
    expect(l.check("10.0.0.1", "a@x").allowed).toBe(true);
  });
});

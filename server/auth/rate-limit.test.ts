import { describe, expect, it } from "vitest";
import { SignInRateLimiter, processSignInLimiter } from "./rate-limit";

function limiter() {
  let now = 1_000_000;
  const l = new SignInRateLimiter({ perPair: 10, perIp: 25, windowMs: 15 * 60_000, now: () => now });
  return { l, advance: (ms: number) => (now += ms) };
}

describe("sign-in rate limit", () => {
  it("locks an IP+email pair after 10 reserved attempts and says for how long", () => {
    const { l } = limiter();
    for (let i = 0; i < 10; i++) expect(l.reserve("10.0.0.1", "a@x").allowed).toBe(true);
    expect(l.reserve("10.0.0.1", "A@X ")).toEqual({ allowed: false, retryAfterMs: 15 * 60_000 });
    // Another email from the same address, and the same email from another address, are not locked.
    expect(l.reserve("10.0.0.1", "b@x").allowed).toBe(true);
    expect(l.reserve("10.0.0.2", "a@x").allowed).toBe(true);
  });

  it("unlocks once the oldest failure leaves the 15-minute window", () => {
    const { l, advance } = limiter();
    for (let i = 0; i < 10; i++) {
      l.reserve("10.0.0.1", "a@x");
      advance(60_000);
    }
    expect(l.reserve("10.0.0.1", "a@x").allowed).toBe(false);
    advance(5 * 60_000 + 1);
    expect(l.reserve("10.0.0.1", "a@x").allowed).toBe(true);
  });

  it("limits one address spraying many emails", () => {
    const { l } = limiter();
    for (let i = 0; i < 25; i++) l.reserve("10.0.0.9", `user${i}@x`);
    expect(l.reserve("10.0.0.9", "fresh@x").allowed).toBe(false);
    expect(l.reserve("10.0.0.8", "fresh@x").allowed).toBe(true);
  });

  it("clears a pair's failures on success, and gives a cancelled place back", () => {
    const { l } = limiter();
    const held = [];
    for (let i = 0; i < 9; i++) held.push(l.reserve("10.0.0.1", "a@x"));
    const last = l.reserve("10.0.0.1", "a@x");
    if (!last.allowed) throw new Error("the 10th place should be free");
    expect(l.reserve("10.0.0.1", "a@x").allowed).toBe(false);
    l.cancel(last.reservation);
    const again = l.reserve("10.0.0.1", "a@x");
    if (!again.allowed) throw new Error("a cancelled place should be free again");
    l.succeeded(again.reservation);
    for (let i = 0; i < 10; i++) expect(l.reserve("10.0.0.1", "a@x").allowed).toBe(true);
    expect(held).toHaveLength(9);
  });

  it("is one limiter per process, whichever bundle asks", () => {
    expect(processSignInLimiter()).toBe(processSignInLimiter());
  });
});

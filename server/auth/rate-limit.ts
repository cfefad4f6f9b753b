/**
 * Failed sign-ins, limited per client IP + email: 10 failures in 15 minutes
 * lock that pair until the oldest failure leaves the window. 10 is generous
 * for a person who mistypes and useless for guessing a 12-character
 * password. A second, wider limit per IP alone (100 / 15 min) stops one
 * address from trying one password against many emails.
 *
 * In memory, per process: embedded mode is one process, and a restart
 * clearing the counters costs an attacker a restart each 10 guesses. A
 * successful sign-in clears its pair's failures.
 */
export interface RateLimitOptions {
  perPair: number;
  perIp: number;
  windowMs: number;
  now?: () => number;
}

export const SIGN_IN_LIMITS: RateLimitOptions = { perPair: 10, perIp: 100, windowMs: 15 * 60 * 1000 };

export type LimitCheck = { allowed: true } | { allowed: false; retryAfterMs: number };

/** Bounds memory under a flood of made-up emails: beyond this many keys the oldest are dropped. */
const MAX_KEYS = 50_000;

export class SignInRateLimiter {
  private readonly failures = new Map<string, number[]>();
  private readonly now: () => number;

  constructor(private readonly options: RateLimitOptions = SIGN_IN_LIMITS) {
    this.now = options.now ?? Date.now;
  }

  private recent(key: string): number[] {
    const cutoff = this.now() - this.options.windowMs;
    const list = (this.failures.get(key) ?? []).filter((t) => t > cutoff);
    if (list.length === 0) this.failures.delete(key);
    else this.failures.set(key, list);
    return list;
  }

  private over(key: string, limit: number): number | undefined {
    const list = this.recent(key);
    if (list.length < limit) return undefined;
    const oldest = list[list.length - limit] ?? this.now();
    return Math.max(1, oldest + this.options.windowMs - this.now());
  }

  check(ip: string, email: string): LimitCheck {
    const wait = Math.max(this.over(pairKey(ip, email), this.options.perPair) ?? 0, this.over(ipKey(ip), this.options.perIp) ?? 0);
    return wait > 0 ? { allowed: false, retryAfterMs: wait } : { allowed: true };
  }

  recordFailure(ip: string, email: string): void {
    for (const key of [pairKey(ip, email), ipKey(ip)]) {
      const list = this.recent(key);
      list.push(this.now());
      this.failures.set(key, list);
    }
    while (this.failures.size > MAX_KEYS) {
      const first = this.failures.keys().next();
      if (first.done) break;
      this.failures.delete(first.value);
    }
  }

  recordSuccess(ip: string, email: string): void {
    this.failures.delete(pairKey(ip, email));
  }
}

const pairKey = (ip: string, email: string) => `pair ${ip} ${email.trim().toLowerCase()}`;
const ipKey = (ip: string) => `ip ${ip}`;

/**
 * Failed sign-ins, limited per client IP + email: 10 failures in 15 minutes
 * lock that pair until the oldest failure leaves the window. 10 is generous
 * for a person who mistypes and useless for guessing a 12-character
 * password. A second, wider limit per IP alone (100 / 15 min) stops one
 * address from trying one password against many emails.
 *
 * Atomic under concurrency: an attempt *reserves* its place in both windows
 * before its password is checked, and the reservation counts as a failure
 * until the check says otherwise. Issue #9's attack sent 100 guesses at once:
 * with check-then-record, all 100 passed the check before the first failure
 * was recorded (scrypt takes ~130 ms), and the right password at #90 signed
 * in. `reserve` is synchronous, so two requests in this process can never
 * both take the 10th place.
 *
 * This is the in-memory layer, one per process (on globalThis, below). The
 * dashboard puts the store's ledger behind it (shared-limiter.ts,
 * attempt-ledger.ts), so several dashboard processes on one store, and a
 * restart, stay held to the same limit. A successful sign-in clears its
 * pair's failures (and its own place in the IP window).
 */
export interface RateLimitOptions {
  perPair: number;
  perIp: number;
  windowMs: number;
  now?: () => number;
}

export const SIGN_IN_LIMITS: RateLimitOptions = { perPair: 10, perIp: 100, windowMs: 15 * 60 * 1000 };

/** A place held in both windows while one password is checked. */
export interface Reservation {
  readonly ip: string;
  readonly email: string;
  readonly at: number;
  /** The same place in the store's ledger, when the limit is shared (shared-limiter.ts). */
  readonly ledger?: { readonly attemptId: string; readonly keys: readonly string[] };
}

export type ReserveResult = { allowed: true; reservation: Reservation } | { allowed: false; retryAfterMs: number };

/**
 * What sign-in needs of a limiter. A reservation that is neither cancelled
 * nor succeeded stays counted: that is a failure (the password was wrong).
 * The in-memory limiter answers at once; the store-backed one
 * (shared-limiter.ts) awaits the store.
 */
export interface SignInLimiter {
  reserve(ip: string, email: string): ReserveResult | Promise<ReserveResult>;
  cancel(reservation: Reservation): void | Promise<void>;
  succeeded(reservation: Reservation): void | Promise<void>;
}

/** Bounds memory under a flood of made-up emails: beyond this many keys the oldest are dropped. */
const MAX_KEYS = 50_000;

export class SignInRateLimiter implements MemoryLimiter {
  /** Per key, the times of failures and of reservations still being checked. */
  private readonly attempts = new Map<string, number[]>();
  private readonly now: () => number;

  constructor(private readonly options: RateLimitOptions = SIGN_IN_LIMITS) {
    this.now = options.now ?? Date.now;
  }

  private recent(key: string): number[] {
    const cutoff = this.now() - this.options.windowMs;
    const list = (this.attempts.get(key) ?? []).filter((t) => t > cutoff);
    if (list.length === 0) this.attempts.delete(key);
    else this.attempts.set(key, list);
    return list;
  }

  private wait(key: string, limit: number): number {
    const list = this.recent(key);
    if (list.length < limit) return 0;
    const oldest = list[list.length - limit] ?? this.now();
    return Math.max(1, oldest + this.options.windowMs - this.now());
  }

  /** Takes a place in the pair's and the IP's window, or says how long until one frees up. Never awaits: atomic in this process. */
  reserve(ip: string, email: string): ReserveResult {
    const wait = Math.max(this.wait(pairKey(ip, email), this.options.perPair), this.wait(ipKey(ip), this.options.perIp));
    if (wait > 0) return { allowed: false, retryAfterMs: wait };
    const at = this.now();
    for (const key of [pairKey(ip, email), ipKey(ip)]) this.attempts.set(key, [...this.recent(key), at]);
    while (this.attempts.size > MAX_KEYS) {
      const first = this.attempts.keys().next();
      if (first.done) break;
      this.attempts.delete(first.value);
    }
    return { allowed: true, reservation: { ip, email, at } };
  }

  /** No password was checked (the store could not be read): the place is given back. */
  cancel(reservation: Reservation): void {
    for (const key of [pairKey(reservation.ip, reservation.email), ipKey(reservation.ip)]) this.release(key, reservation.at);
  }

  /** The right password: the pair starts afresh, and this attempt leaves the IP window (only failures count there). */
  succeeded(reservation: Reservation): void {
    this.attempts.delete(pairKey(reservation.ip, reservation.email));
    this.release(ipKey(reservation.ip), reservation.at);
  }

  private release(key: string, at: number): void {
    const list = this.attempts.get(key);
    const index = list?.indexOf(at) ?? -1;
    if (!list || index < 0) return;
    list.splice(index, 1);
    if (list.length === 0) this.attempts.delete(key);
  }
}

export const pairKey = (ip: string, email: string) => `pair ${ip} ${email.trim().toLowerCase()}`;
export const ipKey = (ip: string) => `ip ${ip}`;

/**
 * The one limiter of this process, on globalThis: Next compiles server
 * actions into their own bundle layer with its own copy of this module, and
 * two copies would each allow 10 (see dashboard/lib/auth/session.ts).
 */
const LIMITER_KEY = Symbol.for("prodtrail.sign-in-limiter");
export function processSignInLimiter(): MemoryLimiter {
  const existing: unknown = Reflect.get(globalThis, LIMITER_KEY);
  if (isMemoryLimiter(existing)) return existing;
  const created = new SignInRateLimiter();
  Reflect.set(globalThis, LIMITER_KEY, created);
  return created;
}

/** The in-memory limiter's own answers are synchronous: that is what makes it atomic in-process. */
export interface MemoryLimiter extends SignInLimiter {
  reserve(ip: string, email: string): ReserveResult;
  cancel(reservation: Reservation): void;
  succeeded(reservation: Reservation): void;
}

/** Shape check instead of instanceof: the value may come from another bundle's copy of the class. */
function isMemoryLimiter(value: unknown): value is MemoryLimiter {
  return typeof value === "object" && value !== null && ["reserve", "cancel", "succeeded"].every((m) => typeof Reflect.get(value, m) === "function");
}

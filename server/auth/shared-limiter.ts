import type { Store } from "../../store/open";
import { AttemptLedger } from "./attempt-ledger";
import { processSignInLimiter, type MemoryLimiter, type Reservation, type ReserveResult, type SignInLimiter } from "./rate-limit";

/**
 * The sign-in limit as the dashboard applies it: this process's in-memory
 * limiter first (synchronous, so parallel requests here are serialised and
 * never more than the limit reach the store), then the store's ledger
 * (attempt-ledger.ts), which holds the limit across every dashboard process
 * sharing the store and across restarts. Either refusing refuses; a place
 * taken in one and refused by the other is given back in both.
 */
export class StoreBackedLimiter implements SignInLimiter {
  constructor(
    private readonly memory: MemoryLimiter,
    private readonly ledger: AttemptLedger,
  ) {}

  async reserve(ip: string, email: string): Promise<ReserveResult> {
    const local = this.memory.reserve(ip, email);
    if (!local.allowed) return local;
    try {
      const shared = await this.ledger.reserve(ip, email);
      if (!shared.allowed) {
        this.memory.cancel(local.reservation);
        return shared;
      }
      return { allowed: true, reservation: { ...local.reservation, ledger: shared.reservation } };
    } catch (error) {
      // The store could not be asked: nothing was checked, and sign-in fails closed (the caller's error).
      this.memory.cancel(local.reservation);
      throw error;
    }
  }

  async cancel(reservation: Reservation): Promise<void> {
    this.memory.cancel(reservation);
    if (reservation.ledger) await this.ledger.settle(reservation.ledger, "cancelled");
  }

  async succeeded(reservation: Reservation): Promise<void> {
    this.memory.succeeded(reservation);
    if (reservation.ledger) await this.ledger.settle(reservation.ledger, "succeeded");
  }
}

/** The limiter sign-in uses in this process, over the store it serves. */
export function sharedSignInLimiter(store: Store): SignInLimiter {
  return new StoreBackedLimiter(processSignInLimiter(), new AttemptLedger(store));
}

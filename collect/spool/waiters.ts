/**
 * A set of promises that resolve when a condition becomes true. The owner
 * calls `check()` after every state change; waiters whose predicate holds
 * resolve. Abort resolves a waiter early (the caller re-checks its own state);
 * `failAll` rejects the rest, e.g. on close.
 */
interface Waiter {
  ready: () => boolean;
  resolve: () => void;
  reject: (err: Error) => void;
}

export class Waiters {
  private readonly pending = new Set<Waiter>();

  wait(ready: () => boolean, signal?: AbortSignal): Promise<void> {
    if (ready() || signal?.aborted) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        this.pending.delete(waiter);
        resolve();
      };
      const waiter: Waiter = {
        ready,
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
        reject: (err) => {
          signal?.removeEventListener("abort", onAbort);
          reject(err);
        },
      };
      this.pending.add(waiter);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  check(): void {
    for (const w of this.pending) {
      if (w.ready()) {
        this.pending.delete(w);
        w.resolve();
      }
    }
  }

  resolveAll(): void {
    for (const w of this.pending) w.resolve();
    this.pending.clear();
  }

  failAll(err: Error): void {
    for (const w of this.pending) w.reject(err);
    this.pending.clear();
  }
}

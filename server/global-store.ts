import type { Store } from "../store/open";

/**
 * The one Store of a `prodtrail serve` process, shared with the dashboard.
 *
 * Next compiles its server components into bundles of their own, so a module
 * singleton set here would be a different module instance inside Next and
 * never be seen there. globalThis is the one object both share in the same
 * process; Symbol.for gives both sides the same key without importing each
 * other.
 */
const STORE_KEY = Symbol.for("prodtrail.store");

export class StoreUnavailableError extends Error {
  constructor() {
    super(
      "the store is not open in this process: the dashboard must be served by `prodtrail serve`, " +
        "which opens the store before it hands requests to Next (`next start` alone has no store)",
    );
    this.name = "StoreUnavailableError";
  }
}

export function publishStore(store: Store | undefined): void {
  if (store === undefined) Reflect.deleteProperty(globalThis, STORE_KEY);
  else Reflect.set(globalThis, STORE_KEY, store);
}

/** Shape check instead of a cast: the value crossed a bundle boundary. */
function isStore(value: unknown): value is Store {
  if (typeof value !== "object" || value === null) return false;
  const tables: unknown = Reflect.get(value, "tables");
  return (
    typeof Reflect.get(value, "database") === "string" &&
    typeof Reflect.get(value, "client") === "object" &&
    typeof tables === "object" &&
    tables !== null &&
    typeof Reflect.get(tables, "events") === "string"
  );
}

export function sharedStore(): Store {
  const value: unknown = Reflect.get(globalThis, STORE_KEY);
  if (!isStore(value)) throw new StoreUnavailableError();
  return value;
}

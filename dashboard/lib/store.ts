import "server-only";
import type { Store } from "../../store/open";
import { sharedStore } from "../../server/global-store";

/**
 * The store for server components: the one `prodtrail serve` opened and
 * published on globalThis (see server/global-store.ts for why not a module
 * singleton). Throws StoreUnavailableError when the page is served without it.
 */
export function getStore(): Store {
  return sharedStore();
}

export { StoreUnavailableError } from "../../server/global-store";

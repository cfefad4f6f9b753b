import { afterAll, beforeAll } from "vitest";
import { startServe, type RunningServe } from "../../server/serve";
import { openTestStore, type TestStore } from "../../test/store";
import { testConfig, testLog } from "./testing";

/**
 * For a test file: the real `prodtrail serve` listener (without Next) over a
 * test store of its own, opened before the file's tests and dropped after.
 * Read `store` and `serve` inside tests (they are set by beforeAll).
 */
export function useServedStore(): { readonly store: TestStore; readonly serve: RunningServe } {
  let store: TestStore | undefined;
  let serve: RunningServe | undefined;
  beforeAll(async () => {
    store = await openTestStore();
    serve = await startServe({ config: testConfig, log: testLog, store, dashboard: false });
  });
  afterAll(async () => {
    await serve?.close();
    await store?.drop();
  });
  return {
    get store() {
      if (!store) throw new Error("useServedStore: store read before beforeAll ran");
      return store;
    },
    get serve() {
      if (!serve) throw new Error("useServedStore: serve read before beforeAll ran");
      return serve;
    },
  };
}

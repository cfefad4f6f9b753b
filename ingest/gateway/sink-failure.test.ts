import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { openTestStore, type TestStore } from "../../test/store";
import { makeEvents } from "../../test/factories/events";
import { startServe, type RunningServe } from "../../server/serve";
import { StoreSink } from "./store-sink";
import { postBatch, storedIds, testConfig as config, testLog as log } from "./testing";

describe("a sink that fails", () => {
  let failing: RunningServe;
  let failingStore: TestStore;
  beforeAll(async () => {
    failingStore = await openTestStore();
    // The real store sink behind a failure it cannot get past, as in a store or broker outage.
    const inner = new StoreSink(failingStore);
    failing = await startServe({
      config,
      log,
      store: failingStore,
      dashboard: false,
      sink: {
        name: "store",
        publish: async (events) => {
          if (events.length > 0) throw new Error("simulated outage: disk full");
          await inner.publish(events);
        },
        close: () => inner.close(),
      },
    });
  });
  afterAll(async () => {
    await failing?.close();
    await failingStore?.drop();
  });

  it("answers 503 with Retry-After and claims nothing", async () => {
    const events = makeEvents(2);
    const res = await postBatch(failing.url, JSON.stringify({ events }));
    expect(res.status).toBe(503);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    const body = z.record(z.string(), z.unknown()).parse(await res.json());
    expect(body).not.toHaveProperty("accepted");
    expect(String(body.error)).toContain("nothing was accepted");
    expect(await storedIds(failingStore, events)).toEqual([]);
  });
});

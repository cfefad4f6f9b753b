import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sink } from "../collect/sink";
import { configSchema } from "../config/schema";
import { createLogger } from "../lib/log";
import type { AuditEvent } from "../schemas";
import { eventsByIdQuery } from "../store/events";
import { makeEvents } from "../test/factories/events";
import { openTestStore, type TestStore } from "../test/store";
import { StoreSink } from "../ingest/gateway/store-sink";
import { startServe } from "./serve";

/** A real store sink that holds each publish until the test lets it go. */
function gatedSink(store: TestStore): Sink & { entered: Promise<void>; open(): void } {
  const inner = new StoreSink(store);
  let open!: () => void;
  let entered!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const enteredPromise = new Promise<void>((resolve) => (entered = resolve));
  return {
    name: "gated-store",
    entered: enteredPromise,
    open,
    async publish(events: readonly AuditEvent[]) {
      entered();
      await gate;
      await inner.publish(events);
    },
    close: () => inner.close(),
  };
}

const log = createLogger("shutdown-test", "silent");
const config = configSchema.parse({ server: { port: 0 } });
let store: TestStore;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(async () => {
  await store?.drop();
});

describe("graceful shutdown", () => {
  it("finishes an in-flight batch, then refuses new connections", async () => {
    const sink = gatedSink(store);
    const serve = await startServe({ config, log, store, sink, dashboard: false });
    const events = makeEvents(2);
    const inFlight = fetch(`${serve.url}/api/v1/events`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ events }) });
    await sink.entered;
    const closed = serve.close();
    sink.open();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await closed).toBe(true);
    expect((await eventsByIdQuery(store, { ids: events.map((e) => e.event_id) })).length).toBe(2);
    await expect(fetch(`${serve.url}/api/health`)).rejects.toThrow();
  });

  it("gives up at the hard deadline when a request never finishes", async () => {
    const sink = gatedSink(store);
    const serve = await startServe({ config, log, store, sink, dashboard: false, shutdownDeadlineMs: 300 });
    const stuck = fetch(`${serve.url}/api/v1/events`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ events: makeEvents(1) }) });
    await sink.entered;
    expect(await serve.close()).toBe(false);
    sink.open();
    await stuck.catch(() => undefined);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { configSchema } from "../config/schema";
import { createLogger } from "../lib/log";
import { makeEvents } from "../test/factories/events";
import { signedInCookie } from "../test/session";
import { openTestStore, type TestStore } from "../test/store";
import { insertEvents } from "../store/events";
import { startServe } from "./serve";

/**
 * serve's --demo-if-empty wiring with the real demo fleet (demo/run.ts),
 * posting through the real gateway into a test database. One backfill day
 * and no live rate keep it to a few thousand events.
 */
const log = createLogger("demo-wiring-test", "silent");
const config = configSchema.parse({ server: { port: 0 }, demo: { seed: 7, backfill_days: 1, live_events_per_minute: 0 } });
const countsSchema = z.object({ total: z.number(), demo: z.boolean(), demoEvents: z.number(), envs: z.array(z.object({ env: z.string(), demo: z.boolean() })) });

let store: TestStore;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(async () => {
  await store?.drop();
});

describe("serve --demo-if-empty", () => {
  it("starts the demo fleet on an empty store; its events arrive through the gateway, labelled demo", async () => {
    const serve = await startServe({ config, log, store, dashboard: false, demo: "if-empty" });
    try {
      expect(serve.demo).toBe(true);
      const { events } = await (serve.demoBackfill ?? Promise.reject(new Error("no backfill")));
      expect(events).toBeGreaterThan(0);
      const { cookie } = await signedInCookie(store);
      const counts = countsSchema.parse(await (await fetch(`${serve.url}/api/v1/counts?hours=48`, { headers: { cookie } })).json());
      expect(counts.total).toBeGreaterThan(0);
      expect(counts.demo).toBe(true);
      expect(counts.demoEvents).toBe(counts.total);
      expect(counts.envs.every((e) => e.env.startsWith("demo-") && e.demo)).toBe(true);
    } finally {
      await serve.close();
    }
  });

  it("leaves a store that holds events alone", async () => {
    const other = await openTestStore();
    try {
      await insertEvents(other, makeEvents(1));
      const serve = await startServe({ config, log, store: other, dashboard: false, demo: "if-empty" });
      expect(serve.demo).toBe(false);
      await serve.close();
    } finally {
      await other.drop();
    }
  });
});

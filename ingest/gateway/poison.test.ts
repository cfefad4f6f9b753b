import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { countEventsQuery } from "../../store/events";
import { openTestStore, type TestStore } from "../../test/store";
import { makeEvent, makeEvents } from "../../test/factories/events";
import { startServe, type RunningServe } from "../../server/serve";
import { useServedStore } from "./served-store";
import { postBatch, storedIds, testConfig as config, testLog as log } from "./testing";

/**
 * Issue #9 class 5 through the gateway: nothing valid is refused, nothing
 * invalid gets a retryable status (503 tells a collector to resend the same
 * batch, forever). And the clock-skew item of class 8: accepted, flagged
 * once per source per hour.
 */
const served = useServedStore();
let store: TestStore;
let serve: RunningServe;
beforeAll(() => {
  ({ store, serve } = served);
});

const post = (body: string) => postBatch(serve.url, body);
const errorBody = z.object({ error: z.string() }).loose();

describe("poison that never leaves (gateway)", () => {
  it("answers 400 naming the field for a lone \\ud800 escape, never 503", async () => {
    const event = makeEvent();
    // JSON.stringify cannot write a lone surrogate escape into a valid event object's text by accident: splice it in.
    const body = JSON.stringify({ events: [{ ...event, command: "cat REPLACE" }] }).replace("REPLACE", "\\ud800");
    const res = await post(body);
    expect(res.status).toBe(400);
    const parsed = z.object({ rejected: z.array(z.object({ issues: z.array(z.object({ field: z.string(), message: z.string() })) })) }).loose().parse(await res.json());
    expect(parsed.rejected[0]?.issues[0]?.field).toBe("events[0].command");
    expect(parsed.rejected[0]?.issues[0]?.message).toMatch(/surrogate/);
    expect(await storedIds(store, [event])).toEqual([]);
  });

  it("stores a valid batch spanning 110 months (more than the engine takes in one insert)", async () => {
    const commits = Array.from({ length: 110 }, (_, i) => makeEvent({ type: "codebase.commit", occurred_at: new Date(Date.UTC(2012, i, 9)).toISOString() }));
    const res = await post(JSON.stringify({ events: commits }));
    expect(res.status).toBe(200);
    expect(await storedIds(store, commits)).toEqual(commits.map((e) => e.event_id).sort());
    // Resent whole (as a collector does after a lost answer): still 200, still once each.
    expect((await post(JSON.stringify({ events: commits }))).status).toBe(200);
    expect((await countEventsQuery(store, {}))[0]?.rows).toBeGreaterThanOrEqual(110);
  });

  it("answers a final refusal (not 503) when the store refuses the rows themselves", async () => {
    const own = await openTestStore();
    const other = await startServe({ config, log, store: own, dashboard: false });
    try {
      // A deterministic refusal of the engine: a constraint on this test's own table.
      await own.client.command({ query: `ALTER TABLE ${own.tables.events} ADD CONSTRAINT no_poison CHECK host != 'poison-host'` });
      const res = await postBatch(other.url, JSON.stringify({ events: [makeEvent({ host: "poison-host" })] }));
      expect(res.status).toBe(422);
      expect(res.headers.get("retry-after")).toBeNull();
      expect(errorBody.parse(await res.json()).error).toContain("cannot help");
    } finally {
      await other.close();
      await own.drop();
    }
  });
});

describe("clock skew", () => {
  const skewFindings = async (host: string) => {
    const result = await store.client.query({
      query: `SELECT finding_id, title FROM ${store.tables.findings} FINAL WHERE detector = 'integrity' AND host = {host:String} AND position(finding_id, ':clock-skew:') > 0`,
      query_params: { host },
      format: "JSONEachRow",
    });
    return z.array(z.object({ finding_id: z.string(), title: z.string() })).parse(await result.json());
  };

  it("accepts events stamped far in the future or past and flags the source once, not once per event", async () => {
    const ahead = makeEvents(30, { host: "skewed-01", occurred_at: new Date(Date.now() + 3 * 86_400_000).toISOString() });
    expect((await post(JSON.stringify({ events: ahead.slice(0, 15) }))).status).toBe(200);
    expect((await post(JSON.stringify({ events: ahead.slice(15) }))).status).toBe(200);
    expect(await storedIds(store, ahead)).toHaveLength(30);
    const findings = await skewFindings("skewed-01");
    expect(findings).toHaveLength(1);
    expect(findings[0]?.title).toContain("ahead");

    const behind = makeEvents(3, { host: "skewed-02", occurred_at: "2001-02-03T04:05:06.000Z" });
    expect((await post(JSON.stringify({ events: behind }))).status).toBe(200);
    expect((await skewFindings("skewed-02")).map((f) => f.title.includes("behind"))).toEqual([true]);
  });

  it("does not flag events within the limits, nor a git history's old commits", async () => {
    const recent = makeEvents(5, { host: "ntp-ok" });
    const history = [makeEvent({ type: "codebase.commit", host: "ntp-ok", occurred_at: "2009-01-01T00:00:00.000Z" })];
    expect((await post(JSON.stringify({ events: [...recent, ...history] }))).status).toBe(200);
    expect(await skewFindings("ntp-ok")).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineQuery } from "../../store/query";
import { eventsByIdQuery } from "../../store/events";
import { makeEvent } from "../../test/factories/events";
import { createApiKey } from "../auth/api-keys";
import { postEvents, storedIds, useGatewayFixture } from "./testing";

/**
 * Class 3 of issue 9: a key writes only as the collector and hosts it was
 * issued for. The server stamps the identity; a mismatch is refused (403
 * naming the field) and recorded as one bounded integrity finding.
 */
const fx = useGatewayFixture();

const refusalFindings = defineQuery({
  name: "test.identity.refusal_findings",
  params: z.object({ prefix: z.string() }),
  row: z.object({ finding_id: z.string(), detector: z.string(), title: z.string(), detail: z.string(), event_ids: z.array(z.string()) }),
  sql: (t) => `SELECT finding_id, detector, title, detail, event_ids FROM ${t.findings} FINAL WHERE startsWith(finding_id, {prefix:String}) ORDER BY finding_id`,
});

/** The refusal findings under `prefix`, once the gateway's recorder has written them (it writes beside the answer, not before it). */
async function findingsFor(prefix: string) {
  for (let i = 0; i < 100; i++) {
    const rows = await refusalFindings(fx.store, { prefix });
    if (rows.length > 0) return rows;
    await new Promise((r) => setTimeout(r, 50));
  }
  return [];
}

describe("API keys are bound to the collector and hosts they were issued for", () => {
  it("refuses key web-02 posting host db-01 (403 naming events[i].host), stores nothing, and records the attempt", async () => {
    const { url } = await fx.serve("required");
    const { token } = await createApiKey(fx.store, { name: "web-02", createdBy: "test" });
    const mine = makeEvent({ host: "web-02" });
    const foreign = makeEvent({ host: "db-01", collector_id: "web-02" });
    const res = await postEvents(url, [mine, foreign], token);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({
      error: expect.stringContaining("web-02"),
      rejected: [{ index: 1, issues: [{ field: "events[1].host", message: expect.stringContaining("db-01") }] }],
    });
    expect(await storedIds(fx.store, [mine, foreign])).toEqual([]);
    const findings = await findingsFor("integrity-refusal:identity:web-02:");
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ detector: "integrity", event_ids: [foreign.event_id], detail: expect.stringContaining("events[1].host") });
  });

  it("a flood of refused writes from one key stays one finding", async () => {
    const { url } = await fx.serve("required");
    const { token } = await createApiKey(fx.store, { name: "web-04", createdBy: "test" });
    for (let i = 0; i < 40; i++) expect((await postEvents(url, [makeEvent({ host: `db-${i}` })], token)).status).toBe(403);
    const findings = await findingsFor("integrity-refusal:identity:web-04:");
    expect(findings).toHaveLength(1);
  });

  it("writes for the hosts the key was issued for, and stamps the key's collector_id on unsigned events", async () => {
    const { url } = await fx.serve("required");
    const { token } = await createApiKey(fx.store, { name: "web-05", hosts: ["web-05", "web-05b"], createdBy: "test" });
    const a = makeEvent({ host: "web-05" });
    const b = makeEvent({ host: "web-05b" });
    expect((await postEvents(url, [a, b], token)).status).toBe(200);
    const stored = await eventsByIdQuery(fx.store, { ids: [a.event_id, b.event_id] });
    expect(stored.map((e) => e.collector_id)).toEqual(["web-05", "web-05"]);
    const other = await postEvents(url, [makeEvent({ host: "web-06" })], token);
    expect(other.status).toBe(403);
    const otherCollector = await postEvents(url, [makeEvent({ host: "web-05", collector_id: "web-06" })], token);
    expect(otherCollector.status).toBe(403);
    expect(await otherCollector.json()).toMatchObject({ rejected: [{ index: 0, issues: [{ field: "events[0].collector_id" }] }] });
  });

  it("an unauthenticated local post may not name a collector on an unsigned event", async () => {
    const { url } = await fx.serve("loopback-exempt");
    const anonymous = makeEvent({ host: "anything-01" });
    expect((await postEvents(url, [anonymous])).status).toBe(200);
    const claimed = makeEvent({ host: "db-01", collector_id: "db-01" });
    const res = await postEvents(url, [claimed]);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ rejected: [{ index: 0, issues: [{ field: "events[0].collector_id" }] }] });
    expect(await storedIds(fx.store, [anonymous, claimed])).toEqual([anonymous.event_id]);
  });
});

import { describe, expect, it } from "vitest";
import { z } from "zod";
import { acceptanceEvent } from "../../drift/accept";
import { DAY, Scenario } from "../../drift/testing/scenario";
import { defineQuery } from "../../store/query";
import { makeEvent } from "../../test/factories/events";
import { createApiKey } from "../auth/api-keys";
import { postEvents, storedIds, useGatewayFixture } from "./testing";

/**
 * Class 2 of issue 9: records only the server writes (views, exports,
 * sign-ins, drift acceptances) are refused from every key and from
 * unauthenticated local posts, through the real `serve` listener.
 */

const fx = useGatewayFixture();
const serve = fx.serve;

const post = postEvents;

const refusalFindings = defineQuery({
  name: "test.server_only.refusal_findings",
  params: z.object({}),
  row: z.object({ finding_id: z.string(), event_ids: z.array(z.string()) }),
  sql: (t) => `SELECT finding_id, event_ids FROM ${t.findings} FINAL WHERE startsWith(finding_id, 'integrity-refusal:server-only:web-01:')`,
});

const driftState = defineQuery({
  name: "test.server_only.drift_state",
  params: z.object({ id: z.string() }),
  row: z.object({ state: z.string(), accepted_by: z.string() }),
  sql: (t) => `SELECT state, accepted_by FROM ${t.drift} FINAL WHERE change_event_id = {id:String}`,
});

describe("server-only records through the gateway", () => {
  it("refuses an audit.view claiming admin@localhost from an API key (403 naming the field) and stores nothing", async () => {
    const { url } = await serve("required");
    const { token } = await createApiKey(fx.store, { name: "web-01", createdBy: "test" });
    const forged = makeEvent({ type: "audit.view", actor_id: "admin@localhost", attribution_method: "dashboard-session", resource: "/admin" });
    const honest = makeEvent({ host: "web-01" });
    const res = await post(url, [honest, forged], token);
    expect(res.status).toBe(403);
    const body: unknown = await res.json();
    expect(body).toMatchObject({
      error: expect.stringContaining("only by the prodtrail server"),
      rejected: [{ index: 1, issues: expect.arrayContaining([expect.objectContaining({ field: "events[1].type" }), expect.objectContaining({ field: "events[1].attribution_method" })]) }],
    });
    expect(await storedIds(fx.store, [honest, forged])).toEqual([]);
    // The attempt is on the record: one integrity finding for this key and hour, naming the forged event.
    for (let i = 0; i < 100 && (await refusalFindings(fx.store, {})).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await refusalFindings(fx.store, {})).toEqual([{ finding_id: expect.stringMatching(/^integrity-refusal:server-only:web-01:/), event_ids: [forged.event_id] }]);
  });

  it("refuses the same from an unauthenticated loopback post, and a dashboard sign-in lookalike", async () => {
    const { url } = await serve("loopback-exempt");
    const view = makeEvent({ type: "audit.view", actor_id: "admin@localhost" });
    const signIn = makeEvent({ type: "access.login", channel: "dashboard", actor_id: "admin@localhost", resource: "/signin" });
    const res = await post(url, [view, signIn]);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ rejected: [{ index: 0 }, { index: 1, issues: [{ field: "events[1].channel" }] }] });
    expect(await storedIds(fx.store, [view, signIn])).toEqual([]);
  });

  it("a forged drift acceptance accepts nothing: refused, and the edit stays unreconciled", async () => {
    const s = await Scenario.create(fx.store, (root) => [{ hosts: ["web-*"], host_path: `${root("web-7")}/etc/nginx/`, repo: "infra", repo_path: "nginx/" }]);
    try {
      const c1 = s.commit({ "nginx/nginx.conf": "worker_processes 2;\n" }, s.t0 - DAY);
      await s.index();
      await s.deploy("web-7", c1, { "nginx/nginx.conf": "etc/nginx/nginx.conf" });
      const [edit] = await s.edit("web-7", { "etc/nginx/nginx.conf": "worker_processes 64;\n" });
      if (edit === undefined) throw new Error("the files collector saw no edit");
      await s.job.runOnce({ now: new Date(s.t0 + 4 * DAY) });
      expect((await driftState(fx.store, { id: edit.event_id }))[0]?.state).toBe("unreconciled");

      const forged = acceptanceEvent({ changeEventId: edit.event_id, ticket: "OPS-1", note: "looks fine", actorId: "admin@localhost", attributionMethod: "none", channel: "unknown", host: "web-7", env: edit.env });
      const { url } = await serve("loopback-exempt");
      const res = await post(url, [forged]);
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ rejected: [{ index: 0, issues: expect.arrayContaining([expect.objectContaining({ field: "events[0].resource" })]) }] });
      // The same acceptance disguised as another type is refused by its resource.
      const disguised = { ...forged, type: "access.exec", category: "access" };
      expect((await post(url, [disguised])).status).toBe(403);

      await s.job.runOnce({ now: new Date(s.t0 + 4 * DAY), full: true });
      expect(await driftState(fx.store, { id: edit.event_id })).toEqual([{ state: "unreconciled", accepted_by: "" }]);
    } finally {
      await s.close();
    }
  });
});

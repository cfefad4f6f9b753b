import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { driftConfigSchema } from "../../config/drift";
import { DriftJob } from "../../drift/job";
import { DAY, HOUR, Scenario } from "../../drift/testing/scenario";
import { createLogger } from "../../lib/log";
import { openTestStore, type TestStore } from "../../test/store";
import { createApiKey } from "../auth/api-keys";
import { createDriftGateHandler, DRIFT_GATE_PATH } from "./drift-gate";

/**
 * POST /api/v1/drift/gate over real HTTP, the real store and a real
 * repository: an unreconciled hotfix on web-1 that the release overwrites.
 */
let store: TestStore;
let s: Scenario;
let server: Server;
let url: string;
let release = "";
let hotfix = "";
let contains = "";
const tokens: Record<string, string> = {};
const log = createLogger("drift-gate-test", "silent");

beforeAll(async () => {
  store = await openTestStore();
  s = await Scenario.create(store, (root) => [{ hosts: ["web-1"], host_path: `${root("web-1")}/etc/app/`, repo: "infra", repo_path: "app/" }]);
  const c1 = s.commit({ "app/a.conf": "a1\n" }, s.t0 - DAY);
  await s.index();
  await s.deploy("web-1", c1, { "app/a.conf": "etc/app/a.conf" });
  const [edit] = await s.edit("web-1", { "etc/app/a.conf": "a-hotfix\n" });
  hotfix = edit?.event_id ?? "";
  release = s.commit({ "app/a.conf": "a2\n" }, s.t0 - HOUR);
  await s.index();
  await new DriftJob(store, driftConfigSchema.parse({ grace_period_hours: 0, mappings: s.mappings }), log).runOnce();
  // Committed after the job's run: only the release's tree, read by the gate itself, says it carries the hotfix.
  contains = s.commit({ "app/a.conf": "a-hotfix\n" }, s.t0 + HOUR, "backport the hotfix");
  await s.index();
  tokens.deploy = (await createApiKey(store, { name: "deploy", scopes: ["drift:gate"], hosts: ["*"], createdBy: "test" })).token;
  tokens.narrow = (await createApiKey(store, { name: "deploy-db", scopes: ["drift:gate"], hosts: ["db-*"], createdBy: "test" })).token;
  tokens.collector = (await createApiKey(store, { name: "web-1", scopes: ["events:write"], createdBy: "test" })).token;
  const handler = createDriftGateHandler({ store, log, cacheMs: 0 });
  server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${DRIFT_GATE_PATH}`;
}, 120_000);

afterAll(async () => {
  await new Promise((r) => server.close(r));
  await s.close();
  await store.drop();
});

const ask = (body: unknown, token?: string) =>
  fetch(url, { method: "POST", headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });

describe("POST /api/v1/drift/gate", () => {
  it("answers a deploy-scoped key with the report: exit_code 3 and the edit the release overwrites", async () => {
    const r = await ask({ repo: "infra", commit: release, env: "prod" }, tokens.deploy);
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ exit_code: 3, would_overwrite: [{ change_event_id: hotfix, host: "web-1", state: "unreconciled" }] });
    const other = await ask({ repo: "infra", commit: release, env: "prod", hosts: ["web-2"] }, tokens.deploy);
    expect(await other.json()).toMatchObject({ exit_code: 0, would_overwrite: [] });
    const carried = await ask({ repo: "infra", commit: contains, env: "prod" }, tokens.deploy);
    expect(await carried.json()).toMatchObject({ exit_code: 0, would_overwrite: [], contained: 1 });
  });

  it("refuses without a key (401), with a collector's key (403) and for hosts the key does not cover (403)", async () => {
    const none = await ask({ repo: "infra", commit: release, env: "prod" });
    expect(none.status).toBe(401);
    const collector = await ask({ repo: "infra", commit: release, env: "prod" }, tokens.collector);
    expect(collector.status).toBe(403);
    expect(await collector.json()).toMatchObject({ error: expect.stringMatching(/scope drift:gate/) });
    const narrow = await ask({ repo: "infra", commit: release, env: "prod", hosts: ["web-1"] }, tokens.narrow);
    expect(narrow.status).toBe(403);
    expect(await narrow.json()).toMatchObject({ error: expect.stringMatching(/may not ask about web-1/) });
  });

  it("names bad input (400) and an unindexed commit (409)", async () => {
    const bad = await ask({ repo: "infra", commit: "abc", env: "prod" }, tokens.deploy);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: expect.stringMatching(/commit: must be the full 40-hex commit id/) });
    const unknown = await ask({ repo: "infra", commit: "e".repeat(40), env: "prod" }, tokens.deploy);
    expect(unknown.status).toBe(409);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertEvents } from "../../../store/events";
import { openTestStore, type TestStore } from "../../../test/store";
import { FilterForbiddenError, ForbiddenError } from "../auth/permissions";
import type { Filters } from "../filters/schema";
import { countEvents, exportEvents } from "./events";
import { accessSeries, envsInWindow, overviewSummary, topActors, topHosts } from "./overview";
import { accessTrend, breakGlassTrend, pipelineShare } from "./trends";
import { at, filters, viewerOf } from "./fixtures.test-helpers";

/**
 * Issue #9, class 6: a viewer recovered a planted password in 137 requests
 * by asking aggregates (the match count, the top actors and hosts tables)
 * with a free-text `q` over command lines. What a role may not read it may
 * not search, filter or count by: every aggregate refuses `q`, `actor` and
 * `host` from a viewer by name, and still answers an analyst.
 */
let store: TestStore;
const viewer = viewerOf("viewer");
const analyst = viewerOf("analyst");
const SECRET = "hunter2-planted";

beforeAll(async () => {
  store = await openTestStore();
  await insertEvents(store, [
    at(60, { type: "access.exec", actor_id: "alice@example.com", host: "db-01", command: `mysql -u root --password=${SECRET}` }),
    at(61, { type: "access.exec", actor_id: "bob@example.com", host: "web-01", command: "ls -la" }),
  ]);
}, 120_000);
afterAll(async () => store?.drop());

/** Every aggregate a viewer may call with filters, as the pages and routes call them. */
const AGGREGATES: Array<[string, (f: Filters) => Promise<unknown>]> = [
  ["events count", (f) => countEvents(viewer, store, f)],
  ["overview summary", (f) => overviewSummary(viewer, store, f)],
  ["access series", (f) => accessSeries(viewer, store, f)],
  ["top actors", (f) => topActors(viewer, store, f)],
  ["top hosts", (f) => topHosts(viewer, store, f)],
  ["environments", (f) => envsInWindow(viewer, store, f)],
  ["access trend", (f) => accessTrend(viewer, store, f, "week", "team")],
  ["pipeline share", (f) => pipelineShare(viewer, store, f, "week")],
  ["break-glass trend", (f) => breakGlassTrend(viewer, store, f, "week")],
];

const REFUSED: Array<[string, Partial<Filters>]> = [
  ["q", { q: SECRET.slice(0, 4) }],
  ["actor", { actor: ["alice@example.com"] }],
  ["host", { host: ["db-01"] }],
];

describe("a viewer may not search, filter or count by what it may not read", () => {
  for (const [name, call] of AGGREGATES) {
    for (const [field, narrowing] of REFUSED) {
      it(`${name} refuses a viewer's ${field} filter, naming it`, async () => {
        const refusal = call(filters(narrowing));
        await expect(refusal).rejects.toBeInstanceOf(FilterForbiddenError);
        await expect(refusal).rejects.toThrow(new RegExp(`may not search or filter by ${field}`));
      });
    }
  }

  it("still answers a viewer's aggregates without those filters, and an analyst's with them", async () => {
    expect(await countEvents(viewer, store, filters({ env: ["prod"], type: ["access.*"] }))).toBe(2);
    expect(await countEvents(analyst, store, filters({ q: SECRET }))).toBe(1);
    expect((await topActors(analyst, store, filters({ host: ["db-01"] }))).map((r) => r.actor_id)).toEqual(["alice@example.com"]);
  });

  it("refuses a viewer's export whatever the filters", async () => {
    await expect(exportEvents(viewer, store, filters({ q: SECRET })).next()).rejects.toBeInstanceOf(ForbiddenError);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertRows } from "../store/query";
import { openTestStore, type TestStore } from "../test/store";
import { listDrift } from "./queries";
import { unmanagedByPath } from "./unmanaged";

/**
 * Unmanaged changes at fleet scale: 3,000 changes of 30 paths over 100 hosts
 * come back as 30 groups, paged, never as 3,000 rows; the edits list leaves
 * them out.
 */
let store: TestStore;
const at = (i: number) => new Date(Date.parse("2026-11-22T00:00:00Z") + i * 1000).toISOString().replace("T", " ").replace("Z", "");

beforeAll(async () => {
  store = await openTestStore();
  const rows = Array.from({ length: 3000 }, (_, i) => ({
    change_event_id: `u-${i}`, env: "prod", host: `web-${i % 100}`, path: `/var/log/app${i % 30}.log`, occurred_at: at(i), state: "unmanaged", flagged: false, evaluated_at: at(0), version: 1,
  }));
  rows.push({ change_event_id: "m-1", env: "prod", host: "web-1", path: "/etc/nginx/nginx.conf", occurred_at: at(5000), state: "pending", flagged: true, evaluated_at: at(0), version: 1 });
  await insertRows(store, { table: "drift", rows });
}, 60_000);

afterAll(async () => {
  await store.drop();
});

describe("unmanaged changes grouped by path", () => {
  it("groups, counts hosts and changes, newest path first, and pages", async () => {
    const first = await unmanagedByPath(store, { limit: 10 });
    expect(first.totalPaths).toBe(30);
    expect(first.groups).toHaveLength(10);
    expect(first.groups[0]).toMatchObject({ path: "/var/log/app29.log", hosts: 10, changes: 100, last_change_event_id: "u-2999" });
    expect(first.groups[0]?.sample_hosts).toHaveLength(5);
    const last = await unmanagedByPath(store, { limit: 10, offset: 20 });
    expect(last.groups.map((g) => g.path)).toContain("/var/log/app0.log");
    expect(new Set([...first.groups, ...last.groups].map((g) => g.path)).size).toBe(20);
    expect((await unmanagedByPath(store, { hosts: ["web-0"] })).groups.map((g) => g.path)).toEqual(["/var/log/app20.log", "/var/log/app10.log", "/var/log/app0.log"]);
  });

  it("the edits list leaves unmanaged changes out when asked (the CLI and the page do)", async () => {
    expect((await listDrift(store, { managed_only: true })).map((r) => r.change_event_id)).toEqual(["m-1"]);
    expect((await listDrift(store, { needs_attention: true })).map((r) => r.change_event_id)).toEqual(["m-1"]);
  });
});

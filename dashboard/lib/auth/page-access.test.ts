import { describe, expect, it } from "vitest";
import { filters, viewerOf } from "../data/fixtures.test-helpers";
import { pagePermission, pageRefusal } from "./page-access";
import { FilterForbiddenError } from "./permissions";

describe("page access", () => {
  it("names the permission each page needs", () => {
    expect(pagePermission("/events")).toBe("events:read");
    expect(pagePermission("/actors/alice@example.com")).toBe("profiles:read");
    expect(pagePermission("/admin")).toBe("admin:manage");
    expect(pagePermission("/")).toBe("aggregates:read");
    expect(pagePermission("/eventsx")).toBe("aggregates:read");
  });

  it("refuses a viewer the pages of events and a search on the overview, and lets an analyst in", () => {
    const viewer = viewerOf("viewer");
    expect(pageRefusal(viewer, "/events", filters())?.permission).toBe("events:read");
    expect(pageRefusal(viewer, "/", filters({ q: "hunter2" }))).toBeInstanceOf(FilterForbiddenError);
    expect(pageRefusal(viewer, "/trends", filters({ host: ["db-01"] }))?.message).toMatch(/may not search or filter by host/);
    expect(pageRefusal(viewer, "/", filters({ env: ["prod"] }))).toBeUndefined();
    expect(pageRefusal(viewerOf("analyst"), "/events", filters({ q: "hunter2" }))).toBeUndefined();
    expect(pageRefusal(viewerOf("analyst"), "/admin", filters())?.permission).toBe("admin:manage");
  });
});

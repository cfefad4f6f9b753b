import { describe, expect, it } from "vitest";
import { parseFilters } from "./parse";
import { filtersToParams } from "./url";

const now = new Date("2026-03-10T12:00:00.000Z");

describe("parseFilters", () => {
  it("defaults to the last 24 hours and no scope", () => {
    const { filters, issues } = parseFilters({}, now);
    expect(issues).toEqual([]);
    expect(filters).toMatchObject({ range: "24h", from: "2026-03-09T12:00:00.000Z", to: "2026-03-10T12:00:00.000Z", env: [], q: "" });
  });

  it("reads presets, absolute windows and comma lists", () => {
    expect(parseFilters({ range: "7d" }, now).filters.from).toBe("2026-03-03T12:00:00.000Z");
    const { filters } = parseFilters({ from: "2026-03-01T00:00Z", to: "2026-03-02T00:00Z", env: "prod, staging", type: "change.*", actor: "alice@example.com" }, now);
    expect(filters).toMatchObject({ range: null, from: "2026-03-01T00:00:00.000Z", to: "2026-03-02T00:00:00.000Z", env: ["prod", "staging"], type: ["change.*"], actor: ["alice@example.com"] });
  });

  it("names a bad value, ignores it and keeps the rest", () => {
    const { filters, issues } = parseFilters({ range: "3y", env: "prod", host: "x' OR 1=1", from: "yesterday" }, now);
    expect(issues.map((i) => i.field).sort()).toEqual(["from", "host", "range"]);
    expect(issues.find((i) => i.field === "host")?.message).toMatch(/letters, digits/);
    expect(filters.env).toEqual(["prod"]);
    expect(filters.host).toEqual([]);
    expect(filters.range).toBe("24h");
  });

  it("refuses a window that ends before it starts or spans more than 400 days", () => {
    expect(parseFilters({ from: "2026-03-02T00:00Z", to: "2026-03-01T00:00Z" }, now).issues[0]?.message).toMatch(/before/);
    expect(parseFilters({ from: "2024-01-01T00:00Z", to: "2026-03-01T00:00Z" }, now).issues[0]?.message).toMatch(/400 days/);
  });

  it("round-trips through the URL", () => {
    const { filters } = parseFilters({ from: "2026-03-01T00:00Z", to: "2026-03-02T00:00Z", service: "payments,api", q: "rm -rf" }, now);
    const again = parseFilters(Object.fromEntries(filtersToParams(filters)), now).filters;
    expect(again).toEqual(filters);
  });
});

import { describe, expect, it } from "vitest";
import { assertCan, can, ForbiddenError, PERMISSIONS, type Viewer } from "./permissions";

const as = (role: Viewer["role"]): Viewer => ({ userId: "u", email: `${role}@example.com`, name: role, role, sessionId: "s" });

describe("permissions", () => {
  it("lets a viewer see aggregates only", () => {
    expect(can(as("viewer"), "aggregates:read")).toBe(true);
    for (const p of ["events:read", "events:export", "timeline:read", "profiles:read", "drift:read", "admin:manage"] as const) {
      expect(can(as("viewer"), p)).toBe(false);
    }
  });

  it("gives analysts events and exports but not administration", () => {
    expect(can(as("analyst"), "events:export")).toBe(true);
    expect(can(as("analyst"), "admin:manage")).toBe(false);
  });

  it("gives admins everything", () => {
    for (const p of Object.keys(PERMISSIONS) as Array<keyof typeof PERMISSIONS>) expect(can(as("admin"), p)).toBe(true);
  });

  it("throws a typed error naming who and what", () => {
    expect(() => assertCan(as("viewer"), "events:read")).toThrow(ForbiddenError);
    expect(() => assertCan(as("viewer"), "events:read")).toThrow(/viewer@example.com \(viewer\) may not events:read/);
  });
});

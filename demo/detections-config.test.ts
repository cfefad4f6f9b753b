import { describe, expect, it } from "vitest";
import { configSchema } from "../config/schema";
import { configuredRules } from "../detections/rule-set";
import { configForStore, DEMO_CHANGE_WINDOW } from "./detections-config";
import { DEMO_LABEL } from "./drift-config";

/**
 * serve's jobs run with the demo's path mappings and change window only
 * while the store holds demo data; a store without demo data runs the
 * user's configuration untouched, and a window the user set always wins.
 */
const CHANGE_WINDOW_RULE = "prodtrail-outside-change-window";
const windowParams = (config: ReturnType<typeof configSchema.parse>) => {
  const rule = configuredRules(config.detections).find((r) => r.id === CHANGE_WINDOW_RULE);
  if (rule === undefined || rule.kind !== "sql") throw new Error(`no SQL rule ${CHANGE_WINDOW_RULE}`);
  return { days: rule.params.window_days?.value, start: rule.params.window_start_hour?.value, end: rule.params.window_end_hour?.value };
};

describe("the demo's configuration for serve's jobs", () => {
  const user = configSchema.parse({ drift: { mappings: [{ hosts: ["web-*"], host_path: "/etc/app/", repo: "app", repo_path: "etc/" }] } });

  it("leaves a configuration without demo data exactly as the user wrote it", () => {
    const copy = structuredClone(user);
    const jobs = configForStore(user, false);
    expect(jobs).toBe(user);
    expect(jobs).toEqual(copy);
    expect(windowParams(jobs)).toEqual({ days: ["1", "2", "3", "4", "5"], start: 8, end: 18 });
  });

  it("adds the demo's mappings (bound to demo=true) and its change window while the store holds demo data", () => {
    const jobs = configForStore(user, true);
    expect(jobs.drift.mappings.slice(0, 1)).toEqual(user.drift.mappings);
    const demo = jobs.drift.mappings.slice(1);
    expect(demo.length).toBeGreaterThan(0);
    expect(demo.every((m) => JSON.stringify(m.labels) === JSON.stringify(DEMO_LABEL))).toBe(true);
    expect(jobs.detections.change_window).toEqual({ ...DEMO_CHANGE_WINDOW, days: [...DEMO_CHANGE_WINDOW.days] });
    expect(windowParams(jobs)).toEqual({ days: ["1", "2", "3", "4", "5"], start: 10, end: 18 });
    // The user's own configuration object is not changed by it.
    expect(user.detections.change_window).toBeUndefined();
  });

  it("keeps the user's own change window even with demo data", () => {
    const own = configSchema.parse({ detections: { change_window: { days: [1, 2, 3, 4], start_hour: 7, end_hour: 16 } } });
    expect(configForStore(own, true).detections.change_window).toEqual({ days: [1, 2, 3, 4], start_hour: 7, end_hour: 16 });
  });
});

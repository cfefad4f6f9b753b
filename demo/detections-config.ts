import type { Config } from "../config/schema";
import type { DetectionsConfig } from "../config/detections";
import { withDemoMappings } from "./drift-config";

/**
 * The demo organisation's change window for the built-in detections: its
 * pipeline releases on weekdays at 10:30, 14:00, 15:00 and 16:30 UTC
 * (production 40 minutes after staging, demo/generate/day.ts), so a release
 * or direct edit in production outside Monday–Friday 10:00–18:00 UTC is
 * outside the window the demo's team agreed. The incident's 02:40 hotfixes
 * and the on-call's night edits fall outside it and are findings.
 *
 * Break-glass needs no setting here: the demo's Vault events already carry
 * break_glass (its "collector" marks the secret/data/prod/… superuser path,
 * as collect.sources.vault.break_glass_paths does on a real host), which is
 * what the break-glass-without-ticket rule reads.
 */
export const DEMO_CHANGE_WINDOW = { days: [1, 2, 3, 4, 5], start_hour: 10, end_hour: 18 } as const;

/**
 * The demo's window, unless the user configured one: a change window is one
 * parameter set for the whole rule, so it cannot be bound to the demo label
 * as the path mappings are, and the user's own window always wins.
 */
export function withDemoDetections(detections: DetectionsConfig): DetectionsConfig {
  if (detections.change_window !== undefined) return detections;
  return { ...detections, change_window: { ...DEMO_CHANGE_WINDOW, days: [...DEMO_CHANGE_WINDOW.days] } };
}

/**
 * The configuration serve's jobs run with: the demo's path mappings and
 * change window join the user's while the store holds demo data; without
 * demo data the user's configuration, untouched (same object).
 */
export function configForStore<C extends Pick<Config, "drift" | "detections">>(config: C, demoData: boolean): C {
  if (!demoData) return config;
  return { ...config, drift: withDemoMappings(config.drift), detections: withDemoDetections(config.detections) };
}

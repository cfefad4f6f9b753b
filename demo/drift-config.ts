import { driftConfigSchema, type DriftConfig } from "../config/drift";
import { MAPPINGS } from "./generate/mappings";

/**
 * The demo fleet's path mappings as prodtrail.yaml's `drift.mappings`, so
 * `npm start` classifies the demo's direct edits (sanctioned, backported,
 * lost, unreconciled…) instead of listing every one as unmanaged. Each
 * mapping also requires the label `demo=true`, which every demo event carries
 * and no collector of a real fleet sets, so the demo's `*` host globs can
 * never classify a real host's change.
 */
export const DEMO_LABEL = { demo: "true" } as const;

export function demoDriftMappings(): DriftConfig["mappings"] {
  return driftConfigSchema.parse({
    mappings: MAPPINGS.map((m) => ({ hosts: [m.hosts], labels: { ...DEMO_LABEL }, host_path: m.host_path, repo: m.repo, repo_path: m.repo_path })),
  }).mappings;
}

/** The drift config with the demo's mappings added to the user's own. */
export function withDemoMappings(drift: DriftConfig): DriftConfig {
  return { ...drift, mappings: [...drift.mappings, ...demoDriftMappings()] };
}
